def demo_callbacks(**kwargs) -> None:  # filled in later
    return None
