"""A Chinese desk reads no English and an English one no Chinese: every command's --help,
Click's own usage errors and the common mistakes of a newcomer, through the real CLI."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from svcctl.cli.main import cli, command_modules
from svcctl.present.glossary import GLOSSARY
from test_language import busy_office, cjk_left, english_words

# Values one types in either language (every key of the glossary: --type repair, --format table),
# command names, and the names of tools, formats and files help refers to.
TYPED = {key for kind in GLOSSARY.values() for key in kind} | {
    word for name in command_modules() for word in name.split("-")} | {
    "add", "remove", "run", "test", "customers", "tickets", "weekly", "monthly", "complaints", "workorder", "digest",
    "Excel", "xlsx", "md", "utf", "sig", "gbk", "cron", "stderr", "https", "webhook", "wecom", "dingtalk", "feishu",
    "mail", "templates", "handovers", "origin", "markdown", "name", "notes", "unit", "last", "this"}


def foreign_words(text: str) -> set[str]:
    """English a Chinese reader meets: not an id, a code or placeholder in capitals (TICKET_ID,
    JSON), an option, a typed value or what the user typed."""
    return {w for w in english_words(unwrapped(text)) if w not in TYPED and not w.isupper()}


def unwrapped(text: str) -> str:
    """Help as written: Click wraps a line of Chinese, which has no spaces, inside a word."""
    return re.sub(r"([A-Za-z-])\n +([A-Za-z])", r"\1\2", text)


def chinese_left(text: str) -> list[str]:
    """Chinese an English reader meets: not a Chinese name given beside the English one
    ((维修工作单), open (待处理)), nor record data or a typed example."""
    return cjk_left(re.sub(r"[(（][^()（）]*[\u3400-\u9fff][^()（）]*[)）]", " ", text))


def without_examples(help_text: str) -> str:
    """The examples are commands as typed, Chinese data included, in either language."""
    return re.sub(r"\n  (?:示例：|Examples:)\n(?:    .*\n)*", "\n", help_text)


def every_command() -> list[tuple[str, ...]]:
    found = [()]
    for name in sorted(command_modules()):
        found.append((name,))
        command = cli.get_command(None, name)
        found += [(name, sub) for sub in getattr(command, "commands", {})]
    return found


def run(office, lang, *args):
    """The real CLI as named on a terminal, so the usage line reads 'svcctl ...'."""
    env = {"SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now, "SVCCTL_USER": office.user,
           "SVCCTL_LANG": None}
    return CliRunner().invoke(cli, ["--lang", lang, *args], env=env, prog_name="svcctl", catch_exceptions=False)


def test_every_commands_help_reads_in_chinese(office):
    shown = {}
    for command in every_command():
        result = run(office, "zh", *command, "--help")
        assert result.exit_code == 0, (command, result.stderr)
        shown[command] = without_examples(result.stdout)
    english = {command: foreign_words(text) for command, text in shown.items() if foreign_words(text)}
    assert not english, english
    intake = shown[("intake",)]
    assert "用法： svcctl intake [选项]" in intake and "登记任何类型的诉求" in intake
    assert "显示本帮助并退出。" in intake and "[必填]" in intake and "[默认：phone]" in intake
    assert "complaint (投诉)" in intake  # the key one types, with its Chinese name
    assert "命令:" in shown[()] and "派单" in shown[("dispatch",)]


def test_every_commands_help_reads_in_english(office):
    for command in every_command():
        result = run(office, "en", *command, "--help")
        assert result.exit_code == 0, (command, result.stderr)
        text = without_examples(result.stdout)
        assert not chinese_left(text), (command, chinese_left(text), text)
    assert "Usage: svcctl intake [OPTIONS]" in run(office, "en", "intake", "--help").stdout


# A newcomer's mistakes, and the words each must be refused with in either language.
MISTAKES = [
    (("reply", "{query}"), "缺少选项 '--note'。", "Missing option '--note'"),
    (("intake", "--type", "complaint", "--sumary", "电梯噪音"), "没有选项 '--sumary'。 是不是要用 '--summary'？",
     "No such option '--sumary'. Did you mean '--summary'?"),
    (("reply",), "缺少参数 'TICKET_ID'。", "Missing argument 'TICKET_ID'"),
    (("handover", "--shift-hours", "八"), "'--shift-hours' 的值无效：'八' 不是整数",
     "Invalid value for '--shift-hours': '八' is not a whole number"),
    (("list", "--status", "处理中"), "'--status' 的值无效：无法识别的状态 '处理中'", "Invalid value for '--status'"),
    (("close", "{repair}", "--result", "疏通", "--fee", "80元"), "'--fee' 的值无效：'80元'：金额须为 0 或以上",
     "Invalid value for '--fee': '80元': give an amount of 0 or more"),
    (("report", "weekly", "--lang", "fr"), "'--lang' 的值无效", "Invalid value for '--lang'"),
    (("lst",), "没有命令 'lst'", "No such command 'lst'"),
    (("show", "{query}", "extra"), "多出了参数（extra）", "Got unexpected extra argument (extra)"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_common_mistakes_are_refused_in_the_readers_language(office, lang):
    ids = busy_office(office)
    for args, chinese, english in MISTAKES:
        typed = [a.format(**ids) for a in args]
        result = run(office, lang, *typed)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        line = result.stderr
        assert line.count("\n") == 1 and line.startswith("svcctl: "), (args, line)  # one line, no usage block
        assert (chinese if lang == "zh" else english) in line, (args, line)
        for value in typed[1:]:  # the user's own text, echoed
            line = line.replace(value, " ")
        if lang == "zh":
            assert not foreign_words(line), (args, foreign_words(line), line)
        else:
            assert not chinese_left(line), (args, line)


def test_a_group_named_alone_shows_its_help_in_the_readers_language(office):
    for lang, words in (("zh", "用法： svcctl staff [选项]"), ("en", "Usage: svcctl staff [OPTIONS]")):
        result = run(office, lang, "staff")
        assert result.exit_code == 2 and result.stderr.startswith(words), result.stderr
        assert "\\n" not in result.stderr and len(result.stderr.splitlines()) > 5  # the help as --help shows it


def test_the_offices_language_words_usage_errors_and_help(office):
    """An office set to English reads Click's words in English without --lang, and a Chinese
    one in Chinese even when the error comes before the records are opened."""
    env = {"SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now, "SVCCTL_USER": office.user,
           "SVCCTL_LANG": None}
    zh = CliRunner().invoke(cli, ["intake", "--sumary", "x"], env=env, prog_name="svcctl")
    assert "没有选项 '--sumary'" in zh.stderr
    config = office.root / "svcctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8")
    en = CliRunner().invoke(cli, ["intake", "--sumary", "x"], env=env, prog_name="svcctl")
    assert "No such option '--sumary'" in en.stderr
    assert "Record a request" in CliRunner().invoke(cli, ["intake", "--help"], env=env, prog_name="svcctl").stdout


def test_the_desks_outputs_read_in_chinese(office):
    ids = busy_office(office)
    for args in (("list",), ("show", ids["repair"]), ("overdue", "--now", "2026-11-23 12:00"), ("callbacks",),
                 ("handover",), ("report", "weekly"),
                 ("report", "monthly"), ("report", "complaints")):
        result = run(office, "zh", *args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        out = result.stdout + result.stderr
        assert out.strip(), args
        assert not foreign_words(out), (args, foreign_words(out), out)


def test_the_sample_offices_outputs_read_in_chinese(tmp_path):
    import shutil
    from pathlib import Path

    sample = tmp_path / "records"
    shutil.copytree(Path(__file__).resolve().parent.parent / "records", sample)
    ticket = sorted((sample / "tickets").rglob("*.yaml"))[0].stem
    staff = set(re.findall(r"- id: (\w+)", (sample / "svcctl.yaml").read_text(encoding="utf-8")))
    for args in (("list",), ("show", ticket), ("overdue",), ("callbacks",), ("handover",), ("report", "weekly"),
                 ("report", "monthly"), ("report", "complaints"), ("staff", "list"), ("policy",)):
        result = CliRunner().invoke(cli, ["--records", str(sample), "--lang", "zh", *args], prog_name="svcctl",
                                    env={"SVCCTL_NOW": "2026-11-23 16:00", "SVCCTL_USER": "li", "SVCCTL_LANG": None})
        assert result.exit_code in (0, 1), (args, result.stderr)
        out = result.stdout + result.stderr
        english = foreign_words(out) - staff  # staff ids are ids
        assert out.strip() and not english, (args, english, out)


@pytest.mark.parametrize("lang, said", [("en", "created records for"), ("zh", "建立记录")])
def test_init_answers_in_the_readers_language(tmp_path, lang, said):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "office"), "--name", "翠苑物业管理处", "--code", "CY",
                                      "--director", "wang"], env={"SVCCTL_LANG": lang}, prog_name="svcctl")
    assert result.exit_code == 0, result.stderr
    assert said in result.stdout
    out = result.stdout.replace(str(tmp_path / "office"), " ")  # the folder as typed
    if lang == "en":
        assert not chinese_left(out.replace("翠苑物业管理处", "")), out
    else:
        assert not foreign_words(out), out


def test_the_spreadsheets_a_chinese_desk_opens_say_states_and_actions_in_chinese(office):
    import csv
    import io

    ids = busy_office(office)
    overdue = run(office, "zh", "overdue", "--format", "csv", "--now", "2026-11-23 12:00")
    rows = list(csv.DictReader(io.StringIO(overdue.stdout)))
    assert rows and all(r["action"] and not foreign_words(r["action"]) for r in rows), rows
    assert {r["deadline"] for r in rows} <= {d for d in GLOSSARY["deadline"]}  # keys stay keys
    english = run(office, "en", "overdue", "--format", "csv", "--now", "2026-11-23 12:00").stdout
    actions = [r["action"] for r in csv.DictReader(io.StringIO(english))]
    assert actions and all(not chinese_left(a) for a in actions), actions  # a rule's section is cited as named
    out = office.root.parent / "tickets.csv"
    run(office, "zh", "export", "tickets", "-o", str(out))
    exported = {r["编号"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert exported[ids["repair"]]["状态"] == "待回访" and exported[ids["complaint"]]["状态"] == "待处理"
