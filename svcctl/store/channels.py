"""The notification channels of this PC: their addresses and secrets, in the git directory
(never committed, never synced), readable by this account only."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

FILE = "svcctl-channels.yaml"


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str
    url: str
    secret: str | None = None
    to: tuple[str, ...] = ()


def load(gdir: Path) -> dict[str, Channel]:
    import yaml

    path = gdir / FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return {name: Channel(name, c["kind"], c["url"], c.get("secret"), tuple(c.get("to") or ()))
            for name, c in sorted(data.items())}


def save(gdir: Path, channels: dict[str, Channel]) -> None:
    import yaml

    from .txn import atomic_write

    data = {name: {k: (list(v) if k == "to" else v) for k, v in asdict(c).items() if k != "name" and v}
            for name, c in sorted(channels.items())}
    atomic_write(gdir / FILE, yaml.safe_dump(data, allow_unicode=True, sort_keys=True), mode=0o600)
