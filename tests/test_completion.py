"""Shell completion through the protocol the shells use: `_TRACKER_COMPLETE` in a real process.

bash sends COMP_WORDS/COMP_CWORD and reads one candidate a line; zsh and fish send the command
line in _TYPER_COMPLETE_ARGS and read `value:help` pairs (zsh) or `value<TAB>help` (fish).
Values come from the database: keys (and ids), areas, owners, tags; closed sets (formats,
statuses, sorts) from the tuples the commands check against."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE
from tests.helpers import cli_for, ok

HUMANOID = [
    "humanoid-robot-ai-fund-support",
    "humanoid-robot-open-source-community",
    "humanoid-robot-safety-testing",
    "humanoid-robot-standards-guide",
]


def complete(
    shell: str, line: str, db: str | None, **extra: str
) -> subprocess.CompletedProcess[str]:
    """What the shell's completion function would get back for `line` (the cursor at its end)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("_TYPER")}
    env.pop("TRACKER_DB", None)
    if db is not None:
        env["TRACKER_DB"] = db
    if shell == "bash":
        words = line.split()
        env.update(
            _TRACKER_COMPLETE="complete_bash",
            COMP_WORDS=line,
            COMP_CWORD=str(len(words) if line.endswith(" ") else len(words) - 1),
        )
    else:
        env.update(_TRACKER_COMPLETE=f"complete_{shell}", _TYPER_COMPLETE_ARGS=line)
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "tracker"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def bash(line: str, db: str | None) -> list[str]:
    result = complete("bash", line, db)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [line for line in result.stdout.splitlines() if line]  # bash drops the empty line


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('completion') / 'fixture.db'}"
    ok(cli_for(url)("import", str(FIXTURE)))
    return url


def test_bash_completes_goal_keys_from_the_database(fixture_db: str) -> None:
    assert bash("tracker update huma", fixture_db) == HUMANOID
    assert bash("tracker show humanoid-robot-s", fixture_db) == HUMANOID[2:]
    # a number completes ids (goal 1 and 10–19 of the 29 in the fixture)
    assert bash("tracker update 1", fixture_db) == ["1", *[str(n) for n in range(10, 20)]]


def test_bash_completes_commands_and_options(fixture_db: str) -> None:
    assert bash("tracker ex", fixture_db) == ["export", "extract"]
    assert bash("tracker ", fixture_db)[:4] == ["add", "update", "list", "show"]
    assert "--show-completion" in bash("tracker --", fixture_db)
    assert bash("tracker list --due", fixture_db) == ["--due-before", "--due-within"]


def test_bash_completes_closed_sets(fixture_db: str) -> None:
    from tracker.cli import goals, reports, transfer

    assert bash("tracker list -f ", fixture_db) == list(goals.LIST_FORMATS)
    assert bash("tracker export --format ", fixture_db) == list(transfer.EXPORT_FORMATS)
    assert bash("tracker report -f ", fixture_db) == list(reports.REPORT_FORMATS)
    assert bash("tracker list --status in", fixture_db) == ["in_progress"]
    # a comma-separated list completes its last part, without repeating what is there
    assert bash("tracker list -s in_progress,", fixture_db) == [
        "in_progress,not_started",
        "in_progress,stalled",
        "in_progress,achieved",
        "in_progress,partially_achieved",
        "in_progress,missed",
        "in_progress,dropped",
    ]
    assert bash("tracker update x --evidence-kind n", fixture_db) == ["news"]
    assert bash("tracker list --sort p", fixture_db) == ["progress"]


def test_bash_completes_areas_owners_and_tags(fixture_db: str) -> None:
    assert bash("tracker list --area ", fixture_db) == [
        "AI",
        "ICT",
        "Industry",
        "Manufacturing",
        "Robotics",
        "SMEs",
    ]
    assert bash("tracker list --area R", fixture_db) == ["Robotics"]
    assert bash("tracker update x --add-tag 6", fixture_db) == ["6g"]
    # bash inserts a candidate as typed: the semicolons and spaces come back escaped
    assert bash("tracker list --owner M", fixture_db) == [
        "MIIT",
        r"MIIT\;\ NDRC\;\ MOF\;\ SASAC\;\ SAMR\;\ NDA",
    ]


def test_bash_completes_a_sort_descending(fixture_db: str) -> None:
    """`-deadline` is a value of --sort, not the start of an option name."""
    assert bash("tracker list --sort -d", fixture_db) == ["-deadline"]
    assert bash("tracker quarterly --sort -", fixture_db) == [
        "-" + s for s in __import__("tracker.history").history.SORTS
    ]
    assert "--status" in bash("tracker list --overdue --st", fixture_db)


def test_zsh_and_fish_get_values_with_their_help(fixture_db: str) -> None:
    zsh = complete("zsh", "tracker update humanoid-robot-s", fixture_db)
    assert zsh.returncode == 0, zsh.stderr
    assert '"humanoid-robot-safety-testing":"Strengthen quality' in zsh.stdout
    assert '"humanoid-robot-standards-guide":"Issue the humanoid robot' in zsh.stdout
    assert "ai-fund" not in zsh.stdout
    fish = complete("fish", "tracker update humanoid-robot-s", fixture_db)
    assert fish.returncode == 0, fish.stderr
    assert [line.split("\t")[0] for line in fish.stdout.splitlines()] == HUMANOID[2:]
    assert fish.stdout.splitlines()[1].startswith("humanoid-robot-standards-guide\tIssue the")
    commands = complete("fish", "tracker qu", fixture_db)
    assert commands.stdout.startswith("quarterly\tGoals × quarters")


def test_clicks_order_of_the_instruction_works_too(fixture_db: str) -> None:
    """click documents `bash_complete`, typer's scripts send `complete_bash`: both answer."""
    env = {"_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": "tracker ex", "COMP_CWORD": "1"}
    result = complete("bash", "tracker ex", fixture_db, **env)
    assert result.stdout.splitlines() == ["export", "extract"]


def test_the_db_option_on_the_line_is_the_database_completed_from(
    fixture_db: str, tmp_path: Path
) -> None:
    db_file = fixture_db.split(":///", 1)[1]
    assert bash(f"tracker --db {db_file} update huma", None) == HUMANOID
    assert bash(f"tracker --db {tmp_path / 'other.db'} update huma", fixture_db) == []


def test_no_database_completes_nothing_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert bash("tracker update huma", f"sqlite:///{missing}") == []
    assert bash("tracker list -f j", f"sqlite:///{missing}") == ["json"]
    assert not missing.exists()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    assert bash("tracker update huma", f"sqlite:///{garbage}") == []


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_completion_on_both_backends(db_url: str) -> None:
    cli = cli_for(db_url)
    ok(cli("add", "Gigabit optical network in every city", "--area", "ICT", "-t", "gigabit"))
    ok(cli("add", "Gigabit schools pilot", "--key", "gigabit-schools", "--area", "Education"))
    assert bash("tracker update giga", db_url) == [
        "gigabit-optical-network-in-every-city",
        "gigabit-schools",
    ]
    assert bash("tracker list --area ", db_url) == ["Education", "ICT"]
    assert bash("tracker list -t g", db_url) == ["gigabit"]


def test_completion_imports_no_orm_and_no_migrations(fixture_db: str) -> None:
    result = complete("bash", "tracker update huma", fixture_db, PYTHONPROFILEIMPORTTIME="1")
    assert result.stdout.splitlines() == HUMANOID
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "sqlite3" in imported
    assert not {m for m in imported if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "alembic")}


def test_show_completion_prints_the_script_for_the_shell(tmp_path: Path) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    for shell, expected in (
        ("bash", "complete -o default -F _tracker_completion tracker"),
        ("zsh", "compdef _tracker_completion tracker"),
        ("fish", "complete --command tracker --no-files"),
    ):
        shown = subprocess.run(
            [sys.executable, "-m", "tracker", "--show-completion", shell],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert shown.returncode == 0, shown.stderr
        assert expected in shown.stdout
        assert "_TRACKER_COMPLETE=complete_" in shown.stdout


def test_install_completion_writes_the_users_bash_setup(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--install-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "bash completion installed in" in result.stdout
    script = tmp_path / ".bash_completions" / "tracker.sh"
    assert "_TRACKER_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


# --- the fast path answers as typer would, without typer ---------------------------------------
FAST_LINES = [
    "tracker ",
    "tracker ex",
    "tracker update huma",
    "tracker --db {db} show humanoid-robot-s",
    "tracker -q update 2",
    "tracker list --status in_progress,",
    "tracker list -s In",
    "tracker quarterly -f ",
    "tracker extract notice.txt --format y",
    "tracker list --area ",
    "tracker list --owner MIIT",
    "tracker update humanoid-robot-safety-testing --add-tag ",
    "tracker update humanoid-robot-safety-testing --status a",
    "tracker update humanoid-robot-safety-testing --evidence-kind ",
    "tracker quarterly --sort pro",
    "tracker import fix",  # a file: nothing offered, the shell lists files
    "tracker extract ",
]
BASH_ONLY = ["tracker db ", "tracker --db {db} db st"]  # zsh and fish: typer's sub-command help


def _env(shell: str, line: str) -> dict[str, str]:
    if shell == "bash":
        words = line.split()
        cword = len(words) if line.endswith(" ") else len(words) - 1
        return {"_TRACKER_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    env = {"_TRACKER_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return env


def _typer_answer(env: dict[str, str]) -> str:
    """typer's full path, in-process (the fast path lives in the entry point, not in the app)."""
    from typer.testing import CliRunner

    from tracker.cli.main import app

    result = CliRunner().invoke(app, [], env=env, prog_name="tracker")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_fast_path_gives_typers_answer(
    shell: str, fixture_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.cli.completion import fast_complete

    monkeypatch.setenv("TRACKER_DB", fixture_db)
    db_file = fixture_db.split(":///", 1)[1]
    for template in FAST_LINES + (BASH_ONLY if shell == "bash" else []):
        env = _env(shell, template.format(db=db_file))
        answer = fast_complete({**os.environ, **env})
        assert answer is not None, template
        output, code = answer
        assert code == 0
        assert (output or "") + "\n" == _typer_answer(env), template


def test_fast_path_lists_each_commands_options_as_typer_does(fixture_db: str) -> None:
    """Option names (and their help) read from the commands' source, equal to typer's."""
    from tracker.cli.completion import COMMANDS, fast_complete

    lines = [f"tracker {name} -" for name in COMMANDS if name != "db"]
    lines += [
        "tracker list --d",
        "tracker list --format json --f",  # given once: not offered again
        "tracker list -s stalled --st",  # repeatable: offered again
        "tracker update goal-key --evidence https://example.org -",
        "tracker --db x.db list --ar",
        "tracker -",
        "tracker --db x.db --",
    ]
    for shell, line in ((shell, line) for shell in ("bash", "zsh", "fish") for line in lines):
        env = _env(shell, line)
        answer = fast_complete(env)
        assert answer is not None, line
        # the same words: typer's own order of -h/--help changes from run to run (click keeps
        # them in a set; the shell sorts them anyway), and for zsh it wraps long help texts
        fast, typer = (answer[0] or "").split(), _typer_answer(env).split()
        assert sorted(fast) == sorted(typer), (shell, line)


def test_fast_path_leaves_the_rest_to_typer(fixture_db: str) -> None:
    from tracker.cli.completion import fast_complete

    for shell, line in (
        ("bash", "tracker --format="),
        ("bash", "tracker import goals.yaml "),
        ("bash", "tracker db status "),
        ("zsh", "tracker db "),
        ("bash", "tracker frobnicate "),
        ("bash", "tracker show --area "),  # show has no --area
    ):
        assert fast_complete(_env(shell, line)) is None, line
    # and the process still answers them, through typer
    assert "--show-completion" in bash("tracker --", fixture_db)
    assert bash("tracker db ", fixture_db) == ["upgrade", "status", "grant", "roles"]


# --- the installed scripts in the real shells ------------------------------------------------
def _script(shell: str) -> str:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--show-completion", shell],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        check=True,
        timeout=60,
    ).stdout


def _shell_env(db: str) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)  # where the `tracker` console script is
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "TRACKER_DB": db}


def _in_bash(
    completion: str, then: str, db: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Source the installed bash script, run its function for the `completion` words
    (COMP_WORDS=…; COMP_CWORD=…), then the shell lines `then`."""
    script = tmp_path / "tracker.sh"
    script.write_text(_script("bash"))
    program = f"source {script}\n{completion}\n_tracker_completion tracker\n{then}"
    return subprocess.run(
        ["bash", "--norc", "-c", program],
        capture_output=True,
        text=True,
        env=_shell_env(db),
        timeout=60,
    )


def test_real_bash_runs_the_installed_function(fixture_db: str, tmp_path: Path) -> None:
    result = _in_bash(
        "COMP_WORDS=(tracker update huma); COMP_CWORD=2",
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n",
        fixture_db,
        tmp_path,
    )
    assert result.stdout.splitlines() == HUMANOID, result.stderr


def test_real_bash_inserts_a_value_with_spaces_as_one_word(fixture_db: str, tmp_path: Path) -> None:
    """What bash would insert for `tracker list --owner MIIT\\;<TAB>`, read back by bash itself."""
    result = _in_bash(
        "COMP_WORDS=(tracker list --owner MIIT\\;); COMP_CWORD=3",
        'eval "set -- ${COMPREPLY[0]}"\nprintf \'%s|%s\\n\' "$#" "$1"\n',
        fixture_db,
        tmp_path,
    )
    assert result.stdout == "1|MIIT; NDRC; MOF; SASAC; SAMR; NDA\n", result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_real_fish_completes_with_the_installed_script(fixture_db: str, tmp_path: Path) -> None:
    script = tmp_path / "tracker.fish"
    script.write_text(_script("fish"))
    result = subprocess.run(
        [
            "fish",
            "--no-config",
            "-c",
            f'source {script}; complete -C"tracker update humanoid-robot-s"',
        ],
        capture_output=True,
        text=True,
        env=_shell_env(fixture_db),
        timeout=60,
    )
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == HUMANOID[2:]
