"""Two languages from one catalog: every command read in Chinese and in English, Chinese names
accepted as input, the service language of rules §11, and the catalog itself."""
from __future__ import annotations

import re
import string
import subprocess

import pytest

from catalog import msgids
from svcctl.present import i18n
from svcctl.present.service_language import FORBIDDEN, forbidden_in

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")


OFFICE_LANG = None  # these tests read what a new office reads: Chinese, unless --lang en


def zh_catalog() -> dict:
    return i18n.parse_po(i18n.catalog_text("zh"))


def test_the_catalog_translates_every_message_with_the_same_placeholders():
    catalog = zh_catalog()
    missing = [f"{where}: {msgid!r}" for (ctx, msgid), where in msgids().items() if (ctx, msgid) not in catalog]
    assert not missing, "untranslated:\n" + "\n".join(missing)
    fields = lambda text: sorted(f[1] for f in string.Formatter().parse(text) if f[1] is not None)  # noqa: E731
    wrong = [msgid for (ctx, msgid), text in catalog.items() if fields(msgid) != fields(text)]
    assert not wrong, wrong


def test_the_translator_reads_every_entry_of_the_catalog_in_its_context():
    """Only the .po is kept, and it is what svcctl reads: each entry under its context, a
    message without one (or in English) as it is. That it reads every entry as gettext reads
    the catalog compiled is tests/test_readers.py's."""
    translations = i18n.translator("zh")
    assert translations.gettext("Due") == "到期"
    assert translations.gettext("closed") == "已办结"
    assert translations.pgettext("verb", "closed") == "closed"  # labels are the glossary's, not the catalog's
    assert translations.gettext("no such message") == "no such message"
    assert i18n.translator("en").pgettext("verb", "closed") == "closed"


def test_fuzzy_and_empty_entries_are_left_out_as_msgfmt_does():
    parsed = i18n.parse_po('#, fuzzy\nmsgid "A"\nmsgstr "甲"\n\nmsgid "B"\nmsgstr ""\n\nmsgctxt "k"\nmsgid "C"\n'
                           'msgstr ""\n"丙"\n')
    assert parsed == {("k", "C"): "丙"}


def test_no_forbidden_phrase_in_the_catalog_or_any_shipped_template():
    from importlib import resources

    found = [(msgid, phrase) for (_, msgid), text in zh_catalog().items() for _, phrase in forbidden_in(text)]
    assert not found
    folder = resources.files("svcctl.templates")
    for lang in ("zh", "en"):
        for entry in folder.joinpath(lang).iterdir():
            assert not forbidden_in(entry.read_text(encoding="utf-8")), entry.name
    assert {"不清楚", "不知道", "没办法", "我们不管", "喂", "找谁", "什么事"} <= set(FORBIDDEN)


def busy_office(office) -> dict:
    """An office with a ticket in every state the commands show."""
    ids = {}
    ids["complaint"] = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                                     "--summary", "电梯噪音", "--at", "2026-11-20 08:00")
    ids["repair"] = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A002",
                                  "--summary", "卫生间渗水", "--at", "2026-11-20 08:30")
    office.run("dispatch", ids["repair"], "--to", "维修部", "--assignee", "zhou", "--at", "2026-11-20 08:32")
    office.run("close", ids["repair"], "--result", "更换密封圈", "--leak-test-at", "2026-11-20 09:00", "--at", "2026-11-20 09:10")
    ids["query"] = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    return ids


# Words that may stay as they are in either language: commands and options people type, file
# formats, names of tools, and the record data (names, places, summaries) the office typed.
ENGLISH_ALLOWED = {"svcctl", "json", "csv", "yaml", "html", "git", "id", "ids", "zh", "en", "cd", "li", "zhou", "wang",
                   "zhao", "workorder", "dispatch", "callback", "escalate", "reopen", "close", "check", "sync", "print",
                   "overdue", "callbacks", "show", "list", "intake", "log", "staff", "policy", "help", "records",
                   "customer", "find", "edit", "init", "setup", "clone", "commit", "command", "status", "active",
                   "SVCCTL", "DEBUG", "Asia", "Shanghai", "standard", "CY", "HEAD", "holidays"}


def english_words(text: str) -> set[str]:
    text = re.sub(r"'svcctl[^']*'|svcctl [a-z][^\s，。：；）]*(?: --?[a-z-]+(?: [^\s，。；）]+)?)*", " ", text)
    text = re.sub(r"--[a-z-]+", " ", text)
    text = re.sub(r"'[^']*'", " ", text)  # what the user typed, echoed
    text = re.sub(r"\b[a-z_]+ \([^)]*\)|\([a-z_]+\)", " ", text)  # keys one may type: open (待处理), 维修部 (maintenance)
    text = re.sub(r"\b[0-9a-f]{7,40}\b", " ", text)  # commit hashes
    text = re.sub(r"\b[a-z]+(?:_[a-z]+)*:|\b[a-z]+_[a-z_]+\b", " ", text)  # svcctl.yaml keys
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    return {w for w in words if w not in ENGLISH_ALLOWED and not re.fullmatch(r"[A-Z]\d*", w)}


RECORD_DATA = ("翠苑物业管理处", "王主任", "赵强", "李娜", "周师傅", "陈先生", "林女士", "电梯噪音", "卫生间渗水",
               "更换密封圈", "查询水费", "维修部", "保洁部", "安护部", "绿化部", "工程部", "第十二条", "调休",
               # commit subjects are history, written once in the office's language
               " 报修 ", " 投诉 ", " 查询 ")


def cjk_left(text: str) -> list[str]:
    for data in RECORD_DATA:
        text = text.replace(data, "")
    text = re.sub(r"\d+年\d+月\d+日", "", text)
    text = re.sub(r"\b[a-z_]+ \([^)]*\)", "", text)  # the names one may type: open (待处理)
    # rulebook citations quote the section as the rulebook names it: 002 第十二条, 000 (…) 走回访 (1)
    text = re.sub(r"\b00\d \([^)]*\)[^\n]*|\b00\d [^\s)]+", "", text)
    return CJK.findall(text)


COMMANDS = [
    ("list",), ("list", "--status", "active"), ("show", "{complaint}"), ("show", "{repair}"), ("log", "{repair}"),
    ("overdue", "--now", "2026-11-23 12:00"), ("overdue", "--digest", "--within", "2h", "--now", "2026-11-23 12:00"),
    ("callbacks",), ("print", "callbacks"), ("print", "workorder", "{repair}"), ("print", "digest", "--now", "2026-11-23 12:00"),
    ("staff", "list"), ("policy",), ("customer", "list"), ("customer", "show", "C-A001"), ("check",),
    ("reply", "{query}", "--note", "已答复"), ("show", "{nothing}"), ("dispatch", "{query}", "--to", "nowhere"),
    ("intake", "--type", "nonsense", "--summary", "x", "--customer", "C-A001"), (),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_speaks_one_language(office, lang):
    ids = {**busy_office(office), "nothing": "202611-A999"}
    for command in COMMANDS:
        args = [a.format(**ids) for a in command]
        result = office.run(*args, "--lang", lang, ok=False)
        out = result.stdout + result.stderr
        assert out.strip(), args
        if lang == "zh":
            assert not english_words(out), (args, english_words(out), out)
        else:
            assert not cjk_left(out), (args, cjk_left(out), out)


def test_the_language_comes_from_lang_then_svcctl_lang_then_the_office(office):
    assert "编号" in office.run("staff", "list").stdout  # a new office speaks Chinese
    assert "Name" in office.run("staff", "list", "--lang", "en").stdout
    assert "Name" in office.run("--lang", "en", "staff", "list").stdout
    assert "Name" in office.run("staff", "list", extra_env={"SVCCTL_LANG": "en"}).stdout
    config = office.root / "svcctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8")
    assert "Name" in office.run("staff", "list").stdout
    assert "编号" in office.run("staff", "list", "--lang", "zh").stdout


def test_errors_are_in_the_readers_language_even_when_svcctl_yaml_is_broken(office):
    assert office.fails("show", "202611-A999").stderr == "svcctl: 没有工单 202611-A999：参见 'svcctl list'\n"
    assert office.fails("show", "202611-A999", "--lang", "en").stderr == "svcctl: no ticket 202611-A999: see 'svcctl list'\n"
    (office.root / "svcctl.yaml").write_text("office: [\n", encoding="utf-8")
    broken = office.fails("list")
    assert "svcctl.yaml:2：YAML 语法错误：" in broken.stderr and "（运行 'svcctl check' 查看全部问题）" in broken.stderr
    assert not CJK.search(office.fails("list", extra_env={"SVCCTL_LANG": "en"}).stderr)


def test_chinese_names_are_accepted_for_every_choice(office):
    tid = office.intake("--type", "投诉", "--grade", "一般", "--channel", "来访", "--customer", "C-A001", "--summary", "噪音")
    repair = office.intake("--type", "报修", "--category", "渗漏水", "--customer", "C-A002", "--summary", "渗水")
    office.run("dispatch", repair, "--to", "maintenance", "--assignee", "zhou")
    assert office.json("show", repair)["department"] == "维修部"
    assert [r["id"] for r in office.json("list", "--status", "已派单")] == [repair]
    assert office.run("list", "--status", "未完成", "--format", "表格").stdout.count("\n") == 4
    assert office.run("list", "--format", "JSON").stdout.startswith("[")
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "客服专员", "--department", "cleaning", user="wang")
    assert {"id": "sun", "role": "agent", "department": "保洁部"}.items() <= \
        next(s for s in office.json("staff", "list") if s["id"] == "sun").items()
    office.run("close", repair, "--result", "已修复", "--leak-test-at", "2026-11-20 09:30")
    office.run("callback", repair, "--method", "上门", "--satisfaction", "5", "--note", "满意")
    assert office.json("show", tid)["channel"] == "visit"
    refused = office.fails("list", "--status", "finished")
    assert refused.exit_code == 2
    assert "open (待处理)" in refused.stderr and "closed (待回访)" in refused.stderr
    wrong_type = office.fails("intake", "--type", "咨询单", "--customer", "C-A001", "--summary", "x")
    assert "consultation (咨询)" in wrong_type.stderr and "paid (有偿服务)" in wrong_type.stderr
    wrong_dept = office.fails("dispatch", tid, "--to", "plumbing", "--lang", "en")
    assert "维修部 (maintenance)" in wrong_dept.stderr


def test_plain_svcctl_prints_an_overview_and_succeeds(office):
    result = office.run()
    assert result.exit_code == 0 and result.stderr == ""
    assert "svcctl intake" in result.stdout and "受理客户请求" in result.stdout and len(result.stdout.splitlines()) < 20
    assert "take in a request" in office.run("--lang", "en").stdout


def test_log_is_in_office_time_with_short_hashes(office, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # a server's clock: commits are dated +00:00
    tid = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费")
    rows = office.json("log", tid)
    assert rows[0]["date"].endswith("+08:00") and len(rows[0]["commit"]) == 40 and rows[0]["short"] == rows[0]["commit"][:7]
    table = office.run("log", tid).stdout
    assert rows[0]["short"] in table and rows[0]["commit"] not in table
    assert "提交" in table and "经办人" in table


def test_policy_names_rulebooks_and_says_lengths_as_people_do(office):
    zh = office.run("policy").stdout
    assert "000《客户服务承诺书及工作规程》 回访工作规程 3.1.1 a" in zh
    assert "1小时" in zh and "3个工作日" in zh and "当天" in zh and "15分钟" in zh
    assert "一般投诉" in zh and "回访" in zh
    en = office.run("policy", "--lang", "en").stdout
    assert "1 hour " in en and "1 hours" not in en and "3 workdays" in en and "1 workday " in en and "same day" in en
    assert "002 (Customer service centre service standards) 第十二条" in en
    assert office.json("policy")["deadlines"][0]["within"]  # JSON keeps the lengths as configured


def complete(office, words: str, extra=None):
    env = {"_SVCCTL_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    proc = office.subprocess(extra_env={**env, **(extra or {})})
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines() if line]


def test_shell_completion_offers_values(office):
    tid = office.intake("--type", "repair", "--customer", "C-A001", "--summary", "灯坏了")
    assert complete(office, "svcctl intake --type co") == ["consultation", "complaint"]
    assert "leak" in complete(office, "svcctl intake --category ")
    assert complete(office, "svcctl dispatch " + tid[:4]) == [tid]
    assert complete(office, f"svcctl dispatch {tid} --to 维") == ["维修部"]
    assert complete(office, f"svcctl dispatch {tid} --assignee z") == ["zhao", "zhou"]
    assert complete(office, "svcctl --as w") == ["wang"] and complete(office, "svcctl list --as z") == ["zhao", "zhou"]
    assert "active" in complete(office, "svcctl list --status ")
    assert "phone" in complete(office, "svcctl intake --channel ")
    assert complete(office, "svcctl show 2026", extra={"SVCCTL_RECORDS": str(office.root / "nowhere")}) == []


def test_help_names_the_chinese_values(office):
    out = office.run("list", "--help").stdout
    assert "closed (待回访)" in out and "table (表格)" in out
    assert "投诉" in office.run("intake", "--help").stdout


def test_phone_numbers_in_free_text_are_masked_including_local_numbers(office):
    tid = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                        "--summary", "邻居电话8888 6666", "--detail", "收据20261120号，另一号码020-88886666")
    shown = office.json("show", tid, user="zhou")  # not zhou's to call: masked
    assert shown["summary"] == "邻居电话****6666"
    assert shown["detail"] == "收据20261120号，另一号码020****6666"
    subject = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=office.root, capture_output=True, text=True).stdout
    assert "8888 6666" not in subject and "****6666" in subject
    assert "8888 6666" in office.json("show", tid, "--reveal", user="zhao")["summary"]
