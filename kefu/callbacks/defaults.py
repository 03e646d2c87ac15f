"""Default configuration from the seeds: seed 003's broadband callback (greet, check use, fault classes:
equipment, line, operation; satisfied → thank and close; not satisfied → apologise, record, notify the
responsible staff, follow up until fixed) and the office calling windows. Wording is ours; supervisors
edit the script on its page."""

DEFAULT_SCRIPT_NAME = "标准回访话术"
DEFAULT_SCRIPT = """\
# 默认回访话术：依据服务手册中的宽带回访流程整理，措辞为本系统自拟，主管可在此修改。
# 写法：[节点代码] 标题，下一行起是问题；回答行以 - 开头：- 回答 -> 下一节点（或 end）| 选项

[greet] 开场确认
您好，请问是{称呼}吗？我是客服中心的回访专员，想占用您一分钟，了解一下您近期的使用情况，现在方便吗？
- 是本人，方便 -> usage
- 现在不方便，另约时间 -> end
- 不是本人 -> end

[usage] 使用情况
请问您最近使用我们的产品和服务，有没有遇到什么问题？
- 一切正常 -> satisfaction
- 有问题 -> fault

[fault] 问题分类
请问是哪一类问题？我帮您详细记录下来。
- 设备问题（猫、路由器、电脑） -> fixed | fault=equipment | department=after-sales
- 线路问题（网线、室内线路） -> fixed | fault=line | department=after-sales
- 操作问题（账号密码、接线） -> guide | fault=operation
- 其他问题 -> fixed | fault=other

[guide] 操作指导
这类问题通常可以马上解决：请核对账号的大小写和密码，再检查滤波器两端是否接反。现在可以正常使用了吗？
- 已经可以正常使用 -> satisfaction
- 仍然不行 -> fixed | department=after-sales

[fixed] 是否已解决
这个问题目前已经处理好了吗？
- 已经处理好 -> satisfaction
- 还没有处理好 -> apology | satisfied=no

[satisfaction] 满意度 | survey=satisfaction
请问您对我们这次的服务满意吗？
- 非常满意 -> thanks | satisfied=yes | score=5
- 满意 -> thanks | satisfied=yes | score=4
- 一般 -> thanks | satisfied=yes | score=3
- 不满意 -> apology | satisfied=no | score=2
- 非常不满意 -> apology | satisfied=no | score=1

[thanks] 致谢结束
感谢您的支持！以后使用中有任何疑问，欢迎拨打我们的客服热线或登录网上营业厅。祝您生活愉快，再见！
- 结束通话 -> end

[apology] 致歉并跟进
非常抱歉给您带来不便。我已经把情况详细记录下来，马上通知负责的同事跟进处理，处理好后会再联系您。再见！
- 已记录，结束通话 -> end
"""

# 09:00-12:00 and 13:30-18:00 on working days of the calendar (seed 001's office hours).
DEFAULT_WINDOWS = [["09:00", "12:00"], ["13:30", "18:00"]]
# No answer: three attempts in all, two hours apart; busy: three, one hour apart. Other results are final.
DEFAULT_RETRY_RULES = {"no_answer": {"max": 3, "hours": 2}, "busy": {"max": 3, "hours": 1}}
DEFAULT_EXCLUDE_DAYS = 30
DEFAULT_REVIEW_PERCENT = 20
LOW_SCORE_CAMPAIGN = "满意度低分回访"


def install_defaults(script_model) -> None:  # historical model in the migration
    from .scripts import parse

    script_model.objects.get_or_create(name=DEFAULT_SCRIPT_NAME,
                                       defaults={"tree": parse(DEFAULT_SCRIPT), "source": DEFAULT_SCRIPT})
