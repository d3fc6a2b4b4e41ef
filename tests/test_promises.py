"""The sentence read to the caller after intake promises what the rules promise for that kind
of request (service-rules §2 and §11), with the day, its weekday, and 前 only where it means
before: read here exactly as the clerk reads it out, in Chinese and in English."""
from __future__ import annotations

import pytest

OFFICE_LANG = "zh"


def said(office, *args, now: str, lang: str = "zh") -> str:
    # Each language's reading is a request of its own customer, so it is no repeat of the other.
    customer = "C-A001" if lang == "zh" else "C-A002"
    out = office.run("intake", "--customer", customer, *args, "--lang", lang, now=now).stdout.splitlines()
    return out[1]


def test_a_weekday_complaint_is_promised_its_result_by_the_next_working_day(office):
    # 一般投诉 on Friday 11-20 09:30: one working day ends Monday 11-23 09:30.
    args = ("--type", "complaint", "--grade", "general", "--summary", "电梯噪音")
    assert said(office, *args, now="2026-11-20 09:30") == (
        "您的投诉内容我已详细记录，我们会尽快处理，并在11月23日（星期一）09:30前将处理结果答复给您。")
    assert said(office, *args, now="2026-11-20 09:30", lang="en") == (
        "Your complaint has been recorded in detail; we will handle it as soon as possible "
        "and give you the result by Mon 23 Nov 09:30.")


def test_a_complaint_received_on_saturday_is_promised_the_whole_monday_never_before_it(office):
    # Received on a day off, the working day starts Monday 00:00: due 12-08 00:00, the whole of 12-07.
    args = ("--type", "complaint", "--grade", "general", "--summary", "楼道灯不亮")
    zh = said(office, *args, now="2026-12-05 10:00")
    assert zh == "您的投诉内容我已详细记录，我们会尽快处理，最迟在12月7日（星期一）将处理结果答复给您。"
    assert "12月7日前" not in zh and "12月8日" not in zh
    assert said(office, *args, now="2026-12-05 10:00", lang="en") == (
        "Your complaint has been recorded in detail; we will handle it as soon as possible "
        "and give you the result by the end of Mon 7 Dec.")


def test_a_complaint_on_the_eve_of_national_day_is_promised_the_day_after_the_holiday(office):
    # 2026-09-30 (Wednesday) before 国庆节 1-7 October: the next working day is Thursday 10-08.
    args = ("--type", "complaint", "--grade", "general", "--summary", "电梯噪音")
    assert said(office, *args, now="2026-09-30 10:00") == (
        "您的投诉内容我已详细记录，我们会尽快处理，并在10月8日（星期四）10:00前将处理结果答复给您。")
    assert said(office, *args, now="2026-09-30 10:00", lang="en").endswith("by Thu 8 Oct 10:00.")


def test_an_emergency_is_promised_a_technician_on_site(office):
    args = ("--type", "repair", "--emergency", "--summary", "电梯困人")
    assert said(office, *args, now="2026-11-20 09:30") == (
        "您的紧急报修我已详细记录，维修人员将在15分钟内、即11月20日（星期五）09:45前到场处理。")
    assert said(office, *args, now="2026-11-20 09:30", lang="en") == (
        "Your emergency repair has been recorded in detail; a technician will be on site within 15 minutes, "
        "by Fri 20 Nov 09:45.")


def test_a_suggestion_is_not_promised_the_internal_forward_as_an_answer(office):
    args = ("--type", "suggestion", "--summary", "增加儿童游乐设施")
    zh = said(office, *args, now="2026-12-03 11:30")
    assert zh == "您的建议内容我已详细记录，我们会转呈主任，并将处理结果答复给您。"
    assert "12月4日" not in zh
    assert said(office, *args, now="2026-12-03 11:30", lang="en") == (
        "Your suggestion has been recorded in detail; we will forward it to the director and give you the result.")


def test_an_appointment_is_promised_the_agreed_visit_with_its_weekday(office):
    args = ("--type", "appointment", "--summary", "上门量房", "--appointment", "2026-11-25 14:00")
    assert said(office, *args, now="2026-11-20 09:30") == (
        "您的预约我已详细记录，我们会在11月25日（星期三）14:00按约定时间上门为您服务。")
    assert said(office, *args, now="2026-11-20 09:30", lang="en") == (
        "Your appointment has been recorded in detail; we will be with you at Wed 25 Nov 14:00 as agreed.")


def test_a_paid_service_is_promised_the_fee_before_the_work(office):
    args = ("--type", "paid", "--summary", "更换水龙头")
    assert said(office, *args, now="2026-11-20 09:30") == (
        "您的有偿服务内容我已详细记录，上门服务前我们会先向您说明收费标准，经您同意后再开始服务。")
    assert said(office, *args, now="2026-11-20 09:30", lang="en") == (
        "Your paid service has been recorded in detail; before the work starts we will explain the fee, "
        "and begin only once you agree.")


@pytest.mark.parametrize("args", [
    ("--type", "query", "--summary", "水费"),
    ("--type", "complaint", "--grade", "complex", "--summary", "噪音"),
    ("--type", "repair", "--summary", "灯坏了"),
    ("--type", "consultation", "--summary", "物业费标准"),
])
def test_no_confirmation_says_will_twice(office, args):
    assert said(office, *args, now="2026-12-05 10:00").count("会") <= 1
