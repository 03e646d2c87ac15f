"""Default standard phrases, from the service standard (seed 001 §2.1-2.2, seed 004)."""

DEFAULT_PHRASES: list[tuple[str, str, str]] = [
    ("greeting", "您好，很高兴为您服务！", "hy"),
    ("greeting", "您好，欢迎您的光临！", "hy2"),
    ("greeting", "您好，这里是客服中心，请问有什么可以帮助您的？", "hy3"),
    ("inquiry", "请问有什么可以帮到您？", "xw"),
    ("inquiry", "请问您怎么称呼？", "xw2"),
    ("thanks", "谢谢您的耐心等待和支持！", "xx"),
    ("thanks", "非常感谢您提出的宝贵意见！", "xx2"),
    ("acknowledge", "好的，马上就好。", "hd"),
    ("listening", "清楚了，请您放心，我会尽快为您处理。", "qt"),
    ("waiting", "请您稍等，我马上为您查询。", "sd"),
    ("back", "对不起，让您久等了。", "jd"),
    ("apology", "很抱歉给您带来不便！", "bq"),
    ("apology", "非常抱歉，我理解您的心情，我们一定尽快为您解决。", "bq2"),
    ("reply_thanks", "不用客气，这是我们应该做的。", "bykq"),
    ("not_heard", "很对不起，我没听清，请您再重复一遍好吗？", "mtq"),
    ("tactful", "我理解您的感受，我能做到的是……", "wl"),
    ("tactful", "我会尽力为您协调，并在约定时间内给您答复。", "wl2"),
    ("transfer", "请稍等！我将与相关部门联系，由他们为您进行解释。", "zj"),
    ("farewell", "感谢您的来电，再见，欢迎下次再来！", "zb"),
    ("farewell", "请问还有其他可以帮到您的吗？祝您生活愉快，再见！", "zb2"),
]
