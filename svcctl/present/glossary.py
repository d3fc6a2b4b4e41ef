"""The office's words: one term per concept in each language, kept in one place.

Each kind (the ``kind`` of ``label(kind, key, lang)``) maps a stable key to its English and
Chinese term. ``also`` are further names accepted as input (an older office's department
name, a word a paper ledger uses); ``not`` are words a person might write for the same
concept that svcctl never writes, in its catalog or its templates (tests/test_glossary.py
holds both to this). The Chinese follows the rulebooks where they use one word
(service-rules §12) and a property office's own forms where they are silent.
"""
from __future__ import annotations

GLOSSARY: dict[str, dict[str, dict]] = {
    "type": {
        "consultation": {"en": "consultation", "zh": "咨询"},
        "query": {"en": "query", "zh": "查询"},
        "complaint": {"en": "complaint", "zh": "投诉"},
        "repair": {"en": "repair", "zh": "报修", "also": ["报修单"]},
        "suggestion": {"en": "suggestion", "zh": "建议"},
        "appointment": {"en": "appointment", "zh": "预约"},
        "paid": {"en": "paid service", "zh": "有偿服务", "also": ["有偿", "特约服务"]},
    },
    # A Chinese grade names the complaint (复杂投诉), so a sentence never adds 投诉 after it.
    "grade": {
        "simple": {"en": "simple", "zh": "简单投诉", "also": ["简单"]},
        "general": {"en": "general", "zh": "一般投诉", "also": ["一般"]},
        "complex": {"en": "complex", "zh": "复杂投诉", "also": ["复杂"]},
        "minor": {"en": "minor", "zh": "轻微投诉", "also": ["轻微"]},
        "important": {"en": "important", "zh": "重要投诉", "also": ["重要"]},
        "major": {"en": "major", "zh": "重大投诉", "also": ["重大"]},
        "none": {"en": "not graded", "zh": "未分级"},
    },
    "category": {
        "safety": {"en": "safety facility", "zh": "安全设施", "also": ["安全"]},
        "leak": {"en": "leak", "zh": "渗漏水", "also": ["渗漏", "漏水"]},
        "other": {"en": "other", "zh": "其他"},
        "none": {"en": "not classified", "zh": "未分类"},
    },
    "channel": {
        "phone": {"en": "phone call", "zh": "来电", "also": ["电话"]},
        "visit": {"en": "visit", "zh": "来访"},
        "letter": {"en": "letter", "zh": "信函"},
        "online": {"en": "online", "zh": "网站/微信", "also": ["网站", "微信"]},
    },
    "role": {
        "agent": {"en": "agent", "zh": "客服专员"},
        # The rulebooks' word (维修人员, as the work order names the assignee); 维修工 is
        # theirs too, and 技术员, which they never use, is still understood when typed.
        "technician": {"en": "technician", "zh": "维修人员", "also": ["维修工", "技术员"]},
        "supervisor": {"en": "supervisor", "zh": "主管"},
        "director": {"en": "director", "zh": "主任"},
    },
    "method": {
        "phone": {"en": "by phone", "zh": "电话"},
        "visit": {"en": "home visit", "zh": "上门"},
    },
    # The usual departments (rules §4): every one a 部. ``also`` are names offices set up
    # earlier keep using.
    "department": {
        "maintenance": {"en": "maintenance", "zh": "维修部"},
        "cleaning": {"en": "cleaning", "zh": "保洁部"},
        "security": {"en": "security", "zh": "安护部", "also": ["保安部"]},
        "landscaping": {"en": "landscaping", "zh": "绿化部", "also": ["绿化"]},
        "engineering": {"en": "engineering", "zh": "工程部"},
        "none": {"en": "service centre", "zh": "客服中心"},
    },
    # What happens to a ticket: the event, its deadline and its status use the same word.
    "event": {
        "intake": {"en": "intake", "zh": "受理"},
        "dispatch": {"en": "dispatch", "zh": "派单", "not": ["派工"]},
        "arrive": {"en": "arrival", "zh": "到场"},
        "reply": {"en": "reply", "zh": "答复"},
        "escalate": {"en": "escalation", "zh": "上报", "not": ["升级"]},
        "pause": {"en": "pause", "zh": "暂停"},
        "resume": {"en": "resume", "zh": "恢复"},
        "close": {"en": "close", "zh": "办结", "not": ["关闭", "处理完成", "处理完毕", "结案"]},
        "callback": {"en": "callback", "zh": "回访"},
        "reopen": {"en": "reopen", "zh": "重开", "not": ["重新打开"]},
        "cancel": {"en": "cancel", "zh": "取消", "not": ["撤销"]},
        "note": {"en": "note", "zh": "备注"},
    },
    # The event in "it cannot be {verb}".
    "verb": {
        "intake": {"en": "taken in again", "zh": "再次受理"},
        "dispatch": {"en": "dispatched", "zh": "派单"},
        "arrive": {"en": "marked arrived", "zh": "登记到场"},
        "reply": {"en": "replied to", "zh": "答复"},
        "escalate": {"en": "escalated", "zh": "上报"},
        "pause": {"en": "paused", "zh": "暂停"},
        "resume": {"en": "resumed", "zh": "恢复"},
        "close": {"en": "closed", "zh": "办结"},
        "callback": {"en": "called back", "zh": "回访"},
        "reopen": {"en": "reopened", "zh": "重开"},
        "cancel": {"en": "cancelled", "zh": "取消"},
        "note": {"en": "noted", "zh": "备注"},
    },
    "status": {
        "open": {"en": "open", "zh": "待处理"},
        "dispatched": {"en": "dispatched", "zh": "已派单"},
        "paused": {"en": "paused", "zh": "已暂停"},
        "closed": {"en": "awaiting callback", "zh": "待回访"},
        "done": {"en": "done", "zh": "已完成"},
        "cancelled": {"en": "cancelled", "zh": "已取消"},
        "active": {"en": "active", "zh": "未完成", "not": ["完结"]},
    },
    # Deadlines are named after the event that stops them (resolve: the close).
    "deadline": {
        "reply": {"en": "reply", "zh": "答复"},
        "first_reply": {"en": "first reply", "zh": "首次答复"},
        "answer": {"en": "clear answer", "zh": "明确答复"},
        "dispatch": {"en": "dispatch", "zh": "派单"},
        "arrival": {"en": "arrival", "zh": "到场"},
        "escalate": {"en": "escalation", "zh": "上报"},
        "forward": {"en": "forward to director", "zh": "转呈主任", "not": ["转交主任"]},
        "appointment": {"en": "appointment", "zh": "预约上门", "not": ["按约上门"]},
        "resolve": {"en": "resolution", "zh": "办结", "not": ["处理（目标）"]},
        "resolve_limit": {"en": "resolution limit", "zh": "办结时限", "not": ["处理时限"]},
        "rework": {"en": "rework", "zh": "整改", "not": ["返工"]},
        "callback": {"en": "callback", "zh": "回访"},
    },
    "level": {
        "target": {"en": "target", "zh": "目标"},
        "limit": {"en": "limit", "zh": "时限"},
    },
    "state": {
        "met": {"en": "met", "zh": "按时完成"},
        "late": {"en": "late", "zh": "逾期完成"},
        "pending": {"en": "pending", "zh": "未到期"},
        "warned": {"en": "target passed", "zh": "超过目标"},
        "missed": {"en": "missed", "zh": "已超时"},
        "paused": {"en": "paused", "zh": "暂停计时"},
    },
    # When a deadline's clock starts.
    "start": {
        "intake": {"en": "intake", "zh": "受理"},
        "close": {"en": "close", "zh": "办结"},
        "leak_test": {"en": "leak test", "zh": "试漏"},
        "reopen": {"en": "reopen", "zh": "重开"},
        "appointment": {"en": "appointment time", "zh": "预约时间"},
        "emergency": {"en": "emergency", "zh": "紧急"},
    },
    "scheme": {
        "standard": {"en": "standard (simple/general/complex)", "zh": "标准（简单/一般/复杂）"},
        "alternative": {"en": "alternative (minor/important/major)", "zh": "备选（轻微/重要/重大）"},
    },
    "document": {
        # the form a department is sent, one per kind of work (papers.FORMS)
        "workorder": {"en": "work order", "zh": "维修工作单"},
        "complaint_form": {"en": "complaint handling form", "zh": "投诉处理单"},
        "paid_order": {"en": "paid service order", "zh": "有偿服务单"},
        "appointment_order": {"en": "appointment visit order", "zh": "预约上门单"},
        "suggestion_form": {"en": "suggestion handling form", "zh": "建议处理单"},
        "callbacks": {"en": "callback list", "zh": "回访清单"},
        "confirmation": {"en": "confirmation", "zh": "受理确认"},
        "digest": {"en": "overdue digest", "zh": "超时提醒"},
        "report": {"en": "report", "zh": "统计报告"},
    },
    "format": {
        "table": {"en": "table", "zh": "表格"},
        "json": {"en": "json", "zh": "json"},
        "csv": {"en": "csv", "zh": "csv"},
        "text": {"en": "text", "zh": "文本"},
        "yaml": {"en": "yaml", "zh": "yaml"},
        "html": {"en": "html", "zh": "网页"},
        "markdown": {"en": "markdown", "zh": "markdown"},
        "id": {"en": "id", "zh": "编号"},  # intake's id alone, for a script
    },
    # The option a refusal names ("unknown type 'x'").
    "option": {
        "type": {"en": "type", "zh": "类型"},
        "grade": {"en": "grade", "zh": "等级"},
        "category": {"en": "category", "zh": "类别"},
        "channel": {"en": "channel", "zh": "渠道"},
        "role": {"en": "role", "zh": "角色"},
        "method": {"en": "method", "zh": "回访方式"},
        "status": {"en": "status", "zh": "状态"},
        "format": {"en": "format", "zh": "格式"},
        "department": {"en": "department", "zh": "部门"},
    },
    # An event's fields, as ``show`` names them.
    "field": {
        "summary": {"en": "summary", "zh": "内容"},
        "detail": {"en": "detail", "zh": "详情"},
        "note": {"en": "note", "zh": "说明"},
        "result": {"en": "result", "zh": "结果"},
        "reason": {"en": "reason", "zh": "原因"},
        "to": {"en": "to", "zh": "交给"},
        "assignee": {"en": "technician", "zh": "维修人员", "not": ["技术员"]},
        "appointment_at": {"en": "visit", "zh": "上门时间"},
        "emergency": {"en": "emergency", "zh": "紧急"},
        "fee": {"en": "fee", "zh": "费用"},
        "receipt": {"en": "receipt", "zh": "收据"},
        "materials": {"en": "materials", "zh": "使用材料"},
        "signed": {"en": "signed", "zh": "签字"},
        "leak_test_at": {"en": "leak test", "zh": "试漏"},
        "temporary": {"en": "temporary measure", "zh": "临时措施"},
        "method": {"en": "method", "zh": "方式"},
        "satisfaction": {"en": "satisfaction", "zh": "满意度"},
        "unresolved": {"en": "unresolved", "zh": "未解决"},
        "within": {"en": "within", "zh": "期限"},
        "answer": {"en": "answer", "zh": "答复"},
        "due": {"en": "due", "zh": "期限"},
        "requested_by": {"en": "asked for", "zh": "客户要求"},
    },
}
