"""A throwaway Dovecot on a loopback port, for testing the IMAP poller against the real thing.

Everything lives in one temporary directory: the config, the passwd-file with
the one test user, the maildir, Dovecot's sockets, state and log. Nothing from
/etc/dovecot is read and no system account can log in. As root (CI) the
mail is owned by `nobody` and Dovecot's own processes run as its package users;
as anyone else, everything runs as that user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sameside.config import ImapMailbox
from tests.support import unavailable

DOVECOT = Path("/usr/sbin/dovecot")
USER = "desk"
PASSWORD = "desk-password"
START_SECONDS = 15.0

_CONFIG_23 = """\
# Written by tests/mailboxes/imap_server.py; nothing from /etc/dovecot is read.
instance_name = sameside-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
last_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
last_valid_gid = {mail_gid}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # Unreachable, so auth has no failure penalty: a wrong password answers at once, every time.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

# Dovecot 2.4 renamed many of the settings above; the same server in its words (written from
# its documentation: CI's Debian ships 2.3, so this one has not run yet).
_CONFIG_24 = """\
# Written by tests/mailboxes/imap_server.py; nothing from /etc/dovecot is read.
dovecot_config_version = {version}
dovecot_storage_version = {version}
instance_name = sameside-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
last_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
last_valid_gid = {mail_gid}
mail_driver = maildir
mail_path = ~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb passwd-file {{
  passwd_file_path = {root}/users
}}
userdb passwd-file {{
  passwd_file_path = {root}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    listen = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # Unreachable, so auth has no failure penalty: a wrong password answers at once, every time.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


@dataclass
class Dovecot:
    """A running server with one user, and the few things tests do to its mailbox from outside."""

    host: str
    port: int
    username: str
    password: str
    root: Path

    def mailbox(self, name: str = "desk", **fields: object) -> ImapMailbox:
        """The configuration for the poller to reach this server's user."""
        values: dict[str, object] = {
            "name": name,
            "host": self.host,
            "port": self.port,
            "ssl": False,
            "username": self.username,
            "password": self.password,
        }
        values.update(fields)
        return ImapMailbox.model_validate(values)

    @contextmanager
    def connect(self) -> Iterator[imaplib.IMAP4]:
        """A second, independent IMAP session: how tests see the server's state."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(self.username, self.password)
            yield imap
        finally:
            with suppress(imaplib.IMAP4.error, OSError):
                imap.logout()

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        with self.connect() as imap:
            imap.create(_quote(folder))  # NO when it exists already; that is fine
            typ, data = imap.append(_quote(folder), flags or None, None, raw)
            assert typ == "OK", data

    def uids(self, folder: str = "INBOX", criteria: str = "ALL") -> list[int]:
        with self.connect() as imap:
            typ, data = imap.select(_quote(folder), readonly=True)
            if typ != "OK":
                return []
            typ, data = imap.uid("SEARCH", criteria)
            assert typ == "OK", data
            return [int(u) for u in (data[0] or b"").split()]

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """Each message's UID and flags (read-only: looking changes nothing)."""
        with self.connect() as imap:
            typ, _ = imap.select(_quote(folder), readonly=True)
            if typ != "OK":
                return {}
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            assert typ == "OK", data
            found: dict[int, set[str]] = {}
            for item in data:
                if not isinstance(item, bytes):
                    continue
                match = re.search(rb"UID (\d+).*FLAGS \(([^)]*)\)", item) or re.search(
                    rb"FLAGS \(([^)]*)\).*UID (\d+)", item
                )
                if match is None:
                    continue
                groups = match.groups()
                uid, flags = (groups[0], groups[1]) if groups[0].isdigit() else (groups[1], groups[0])
                found[int(uid)] = set(flags.decode().split())
            return found

    def folders(self) -> set[str]:
        with self.connect() as imap:
            typ, data = imap.list()
            assert typ == "OK", data
            names = set()
            for line in data:
                if isinstance(line, bytes):
                    names.add(line.rsplit(b" ", 1)[-1].strip(b'"').decode())
            return names

    def delete_folder(self, folder: str) -> None:
        with self.connect() as imap:
            imap.delete(_quote(folder))

    def clear(self) -> None:
        """Empty INBOX and drop every other folder: each test starts with an empty mailbox."""
        for folder in self.folders():
            if folder.upper() == "INBOX":
                with self.connect() as imap:
                    imap.select("INBOX")
                    imap.uid("STORE", "1:*", "+FLAGS.SILENT", r"(\Deleted)")
                    imap.expunge()
            else:
                self.delete_folder(folder)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _version() -> tuple[int, int]:
    out = subprocess.run([str(DOVECOT), "--version"], capture_output=True, text=True, check=True, timeout=10)
    match = re.match(r"(\d+)\.(\d+)", out.stdout.strip())
    if match is None:
        raise RuntimeError(f"cannot read Dovecot's version from {out.stdout!r}")
    return int(match.group(1)), int(match.group(2))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _accounts() -> dict[str, str | int]:
    """Who Dovecot's processes and the test user's mail run as."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return {
            "internal_user": me.pw_name,
            "internal_group": _group_name(me.pw_gid),
            "login_user": me.pw_name,
            "mail_uid": me.pw_uid,
            "mail_gid": me.pw_gid,
        }

    def existing(*names: str) -> pwd.struct_passwd:
        for name in names:
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        raise RuntimeError(f"none of the users {names} exists")

    internal = existing("dovecot", "nobody")
    login = existing("dovenull", "nobody")
    mail = existing("nobody")
    return {
        "internal_user": internal.pw_name,
        "internal_group": _group_name(internal.pw_gid),
        "login_user": login.pw_name,
        "mail_uid": mail.pw_uid,
        "mail_gid": mail.pw_gid,
    }


def _group_name(gid: int) -> str:
    return grp.getgrgid(gid).gr_name


def _wait_for_greeting(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Dovecot exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"Dovecot did not answer on port {port} within {START_SECONDS}s:\n{_tail(log)}")


def _tail(*paths: Path) -> str:
    text = []
    for path in paths:
        if path.exists():
            text.append(path.read_text(errors="replace")[-3000:])
    return "\n".join(text)


@contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Start Dovecot in the foreground with its own config; stop it and remove everything afterwards."""
    if not DOVECOT.exists():
        unavailable("dovecot-imapd is not installed (CI installs it)")
    major, minor = _version()
    root = Path(tempfile.mkdtemp(prefix="sameside-dovecot-"))
    # Dovecot's unprivileged processes must reach the users file and the mail below.
    root.chmod(0o755)
    process: subprocess.Popen[bytes] | None = None
    try:
        accounts = _accounts()
        mail_uid, mail_gid = int(accounts["mail_uid"]), int(accounts["mail_gid"])
        home = root / "home" / USER
        home.mkdir(parents=True)
        for path in (home.parent, home):
            os.chown(path, mail_uid, mail_gid)
        users = root / "users"
        users.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{home}::\n")
        users.chmod(0o644)
        port = _free_port()
        template = _CONFIG_24 if (major, minor) >= (2, 4) else _CONFIG_23
        config = root / "dovecot.conf"
        config.write_text(template.format(root=root, port=port, version=f"{major}.{minor}.0", **accounts))
        output = root / "dovecot.out"
        with output.open("wb") as out:
            process = subprocess.Popen(
                [str(DOVECOT), "-F", "-c", str(config)], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            _wait_for_greeting(port, process, root / "dovecot.log")
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{_tail(output)}") from None
        yield Dovecot("127.0.0.1", port, USER, PASSWORD, root)
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the master and every child it left behind
                process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
