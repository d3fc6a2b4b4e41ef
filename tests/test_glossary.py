"""One vocabulary: every name svcctl gives a key comes from the glossary, the catalog and the
shipped templates use the glossary's word for each concept and none of the words it rules
out, and core/ holds keys, not Chinese words."""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from svcctl.present import i18n, labels
from svcctl.present.glossary import GLOSSARY

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
CORE = Path(labels.__file__).resolve().parent.parent / "core"
OFFICE_LANG = None  # the office's own language: Chinese

# core/ modules that still read Chinese input text: spreadsheet headers (ledger), written
# units and durations, dates, and the rulebook citations of the default policy. They hold no
# name svcctl shows. The event kinds (events/) are being restructured and quote a Chinese
# term in a few messages. Anything else in core/ is keys and English only.
# Core may hold the Chinese it reads from what people type (times, lengths, satisfaction
# words, spreadsheet headers), never words it shows.
STILL_READING_CHINESE = {"ledger.py", "units.py", "policy.py", "timeutil.py", "calendar.py", "intake.py",
                         "ticket.py", "events", "chinese_input.py"}


def zh_catalog() -> dict:
    return i18n.parse_po(i18n.catalog_text("zh"))


def shipped_templates() -> dict[str, str]:
    folder = resources.files("svcctl.templates")
    found = {}
    for entry in folder.iterdir():
        if entry.is_file() and entry.name.endswith((".txt", ".html", ".md")):
            found[entry.name] = entry.read_text(encoding="utf-8")
        elif entry.is_dir() and entry.name in ("zh", "en"):
            for item in entry.iterdir():
                found[f"{entry.name}/{item.name}"] = item.read_text(encoding="utf-8")
    return found


def forbidden() -> dict[str, tuple[str, str]]:
    """Each word the glossary rules out -> the kind and key whose word it would stand for."""
    return {word: (kind, key) for kind, terms in GLOSSARY.items() for key, term in terms.items()
            for word in term.get("not", ())}


def test_every_label_is_the_glossarys_word_in_either_language():
    for kind, terms in GLOSSARY.items():
        for key, term in terms.items():
            assert set(term) <= {"en", "zh", "also", "not"}, (kind, key)
            assert labels.label(kind, key, "zh") == term["zh"], (kind, key)
            assert labels.label(kind, key, "en") == term["en"], (kind, key)
    # the catalog names no key: a label translated there would be a second vocabulary
    assert not [key for key in zh_catalog() if key[0] is not None]


def test_one_word_per_concept_in_each_language():
    for kind in ("type", "grade", "category", "channel", "role", "method", "department", "event", "verb", "status",
                 "deadline", "state", "document"):
        for lang in ("zh", "en"):
            words = [term[lang] for term in GLOSSARY[kind].values()]
            assert len(words) == len(set(words)), (kind, lang, words)
    # an action has one word, whether it is the event, what it did, or the deadline it stops
    event, verb, deadline = GLOSSARY["event"], GLOSSARY["verb"], GLOSSARY["deadline"]
    for key in event:
        assert event[key]["zh"] in verb[key]["zh"], key
    for name, stopped_by in {"dispatch": "dispatch", "escalate": "escalate", "resolve": "close",
                             "callback": "callback", "reply": "reply", "arrival": "arrive"}.items():
        assert deadline[name]["zh"] == event[stopped_by]["zh"], name
    assert deadline["resolve_limit"]["zh"].startswith(event["close"]["zh"])
    assert event["dispatch"]["zh"] in GLOSSARY["status"]["dispatched"]["zh"]
    assert event["cancel"]["zh"] in GLOSSARY["status"]["cancelled"]["zh"]
    # a word ruled out for one concept is no other concept's word either
    for word, (kind, key) in forbidden().items():
        clashes = [(k, x) for k, terms in GLOSSARY.items() for x, t in terms.items() if word in t["zh"]]
        assert not clashes, (word, kind, key, clashes)


def test_the_reports_name_keys_as_the_listings_do():
    for lang in ("zh", "en"):
        _ = i18n.words(lang)
        assert labels.deadline(_, "resolve") == GLOSSARY["deadline"]["resolve"][lang]
        assert labels.ticket_type(_, "appointment") == GLOSSARY["type"]["appointment"][lang]
        assert labels.grade(_, "complex") == GLOSSARY["grade"]["complex"][lang]
        assert labels.category(_, None) == GLOSSARY["category"]["none"][lang]
        assert labels.status(_, "cancelled") == GLOSSARY["status"]["cancelled"][lang]
        assert labels.department(_, None) == GLOSSARY["department"]["none"][lang]


def test_no_message_or_shipped_template_uses_a_word_the_glossary_rules_out():
    ruled_out = forbidden()
    assert {"派工", "升级", "撤销", "关闭", "处理完成", "返工", "转交主任", "按约上门"} <= set(ruled_out)
    found = [(msgid, word) for (_, msgid), text in zh_catalog().items() for word in ruled_out if word in text]
    assert not found, found
    for name, text in shipped_templates().items():
        assert not [word for word in ruled_out if word in text], name
    # a Chinese grade already names the complaint (复杂投诉): no sentence adds 投诉 after it
    assert not [msgid for (_, msgid), text in zh_catalog().items() if "{grade}投诉" in text]


def test_words_of_the_glossary_are_taken_as_input():
    assert labels.parse("type", "报修单") == "repair"
    assert labels.parse("type", "有偿服务") == labels.parse("type", "paid service") == "paid"
    assert labels.parse("channel", "微信") == "online"
    assert labels.office_department("landscaping", ("维修部", "绿化部")) == "绿化部"
    # an office set up before departments were all 部 keeps its own name
    assert labels.office_department("landscaping", ("维修部", "绿化")) == "绿化"
    assert labels.office_department("保安部", ("安护部",)) == "安护部"
    assert "绿化部" in labels.default_departments() and "绿化" not in labels.default_departments()


def test_core_holds_keys_not_chinese_words():
    with_chinese = set()
    for path in sorted(CORE.rglob("*.py")):
        if CJK.search(path.read_text(encoding="utf-8")):
            top = path.relative_to(CORE).parts[0]
            assert top in STILL_READING_CHINESE, f"Chinese text in core/{path.relative_to(CORE)}"
            with_chinese.add(top)
    assert with_chinese <= STILL_READING_CHINESE
    # model.py, the office's vocabulary, is keys only
    assert not CJK.search((CORE / "model.py").read_text(encoding="utf-8"))


def test_what_the_desk_reads_uses_the_glossarys_words(office):
    """The real CLI in Chinese: a closed complex complaint refused to an agent, a repair
    dispatched and shown, a new office's departments."""
    office.lang = None
    tid = office.intake("--type", "complaint", "--grade", "complex", "--customer", "C-A001", "--summary", "电梯噪音",
                        "--at", "2026-11-20 08:00")
    refused = office.run("close", tid, "--result", "已解决", "--at", "2026-11-20 09:00", user="li", ok=False)
    assert refused.exit_code == 3
    assert "办结复杂投诉需由主管或主任办理" in refused.stderr and "投诉投诉" not in refused.stderr
    repair = office.intake("--type", "报修单", "--category", "leak", "--customer", "C-A002", "--summary", "卫生间渗水",
                           "--at", "2026-11-20 08:30")
    office.run("dispatch", repair, "--to", "maintenance", "--at", "2026-11-20 08:32")
    shown = office.run("show", repair).stdout
    assert "已派单" in shown and "派单" in shown and "派工" not in shown
    listed = office.run("list", "--status", "已派单").stdout
    assert repair in listed
    config = (office.root / "svcctl.yaml").read_text(encoding="utf-8")
    assert "绿化部" in config
