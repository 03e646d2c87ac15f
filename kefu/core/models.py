# core holds no models of its own: notifications moved to kefu.notifications (core 0002 removes the table).
