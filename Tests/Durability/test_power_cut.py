"""A simulated power cut (docs/DURABILITY.md): `bp serve` and `bp worker` run under
recorder.so while customers open cases with documents, the merchant replies with
documents and the worker delivers the mail. The log is then replayed up to many cut
points, keeping only what was synced, and each resulting disk must hold everything that
was acknowledged before the cut: the database passes its integrity check, every case,
reply and document the driver saw confirmed is there with the right bytes, every email
the outbox calls sent is in the Maildir, and `bp check` finds no row without its file."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile

import pytest

from disk import Disk, read_log
from harness import BP, ROOT, Stack, pdf, sign_in_customer, sign_in_merchant, wait_for

RECORDER = os.environ.get("BP_RECORDER")


def record_workload(cases, replies, env=None, drop_file_fsync=False):
    """Runs the workload under the recorder; returns (stack, baseline Disk, log path)."""
    assert RECORDER and os.path.exists(RECORDER), "BP_RECORDER must name the built recorder.so"
    stack = Stack(env)
    try:
        log = os.path.join(stack.scratch, "writes.log")
        os.sync()
        disk = Disk(stack.data)
        recorded = {"LD_PRELOAD": RECORDER, "BPREC_LOG": log, "BPREC_ROOT": stack.data}
        if drop_file_fsync:
            recorded["BPREC_DROP_FILE_FSYNC"] = "1"
        stack.start(serve_wrapper=("env", *[f"{k}={v}" for k, v in recorded.items()]),
                    worker_wrapper=("env", *[f"{k}={v}" for k, v in recorded.items()]))

        def acknowledge(*fields):
            # Appended after the response arrived: every sync the server did before
            # answering is earlier in the log.
            with open(log, "a") as file:
                file.write("A " + " ".join(fields) + "\n")

        customer = sign_in_customer(stack)
        merchant = sign_in_merchant(stack)
        opened = []
        for index in range(cases):
            protection = stack.register(f"ORDER-{index}")
            acknowledge("protection", protection)
            customer.get(f"/protections/{protection}")
            document = pdf(f"case {index}")
            status, headers, text = customer.post_multipart(
                f"/protections/{protection}/feedback", [("option", "not_received"), ("message", f"Nothing came ({index}).")],
                [("documents", f"confirmation-{index}.pdf", document, "application/pdf")])
            assert status == 303, text
            case_id = headers["location"].split("?")[0].split("/")[-1]
            acknowledge("case", case_id, hashlib.sha256(document).hexdigest())
            opened.append(case_id)
        for index, case_id in enumerate(opened[:replies]):
            merchant.get(f"/merchant/cases/{case_id}/reply")
            document = pdf(f"reply {index}")
            status, _, text = merchant.post_multipart(
                f"/merchant/cases/{case_id}/reply", [("refund", "no"), ("message", "Delivered, signed for.")],
                [("documents", f"proof-{index}.pdf", document, "application/pdf")])
            assert status == 303, text
            acknowledge("reply", case_id, hashlib.sha256(document).hexdigest())
        wait_for(lambda: stack.query("SELECT COUNT(*) FROM outbox WHERE state != 'sent'")[0][0] == 0, timeout=60,
                 what="the worker delivering every email")
        stack.stop_processes()
    except BaseException:
        stack.cleanup()
        raise
    return stack, disk, log


def losses(folder, acknowledged, env):
    """What the disk in `folder` lost of what was acknowledged, as sentences."""
    lost = []
    db = sqlite3.connect(os.path.join(folder, "bp.sqlite"))
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            return [f"integrity check: {integrity}"]

        def document_ok(case_id, sha):
            row = db.execute("SELECT 1 FROM documents WHERE case_id = ? AND sha256 = ?", (case_id, sha)).fetchone()
            path = os.path.join(folder, "documents", sha[:2], sha[2:4], sha)
            return row and os.path.exists(path) and hashlib.sha256(open(path, "rb").read()).hexdigest() == sha

        for fields in acknowledged:
            kind, ident, *rest = fields
            if kind == "protection":
                if not db.execute("SELECT 1 FROM protections WHERE id = ?", (ident,)).fetchone():
                    lost.append(f"protection {ident}")
            elif kind == "case":
                if not db.execute("SELECT 1 FROM cases WHERE id = ?", (ident,)).fetchone():
                    lost.append(f"case {ident}")
                elif not document_ok(ident, rest[0]):
                    lost.append(f"the document of case {ident}")
            elif kind == "reply":
                if not db.execute("SELECT 1 FROM events WHERE case_id = ? AND kind = 'merchant_replied'", (ident,)).fetchone():
                    lost.append(f"the reply on case {ident}")
                elif not document_ok(ident, rest[0]):
                    lost.append(f"the reply's document on case {ident}")
        # Whatever committed, acknowledged or not: a row's file must be there and whole.
        for (sha,) in db.execute("SELECT DISTINCT sha256 FROM documents"):
            path = os.path.join(folder, "documents", sha[:2], sha[2:4], sha)
            if not os.path.exists(path) or hashlib.sha256(open(path, "rb").read()).hexdigest() != sha:
                lost.append(f"the file of document {sha[:12]}")
        # An email the outbox calls sent must be in the Maildir, whole.
        delivered = {}
        for sub in ("new", "cur"):
            where = os.path.join(folder, "mail", sub)
            for name in os.listdir(where) if os.path.isdir(where) else []:
                delivered[name.split(".")[0]] = open(os.path.join(where, name), "rb").read()
        for (outbox_id,) in db.execute("SELECT id FROM outbox WHERE state = 'sent'"):
            message = delivered.get(f"bp{outbox_id}", b"")
            if b"Message-ID:" not in message or not message.rstrip().endswith(b"--"):
                lost.append(f"email {outbox_id}")
    finally:
        db.close()
    check = subprocess.run([BP, "check"], env=dict(env, BP_DATA_DIR=folder), capture_output=True, text=True)
    if check.returncode != 0:
        lost.append(f"bp check: {check.stdout.strip()} {check.stderr.strip()}")
    return lost


def replay(disk, log, env, every=1):
    """Cuts after every sync that returned and every acknowledgement; returns the number
    of cut points and the losses found at each."""
    records = read_log(log)
    cuts, found = 0, []
    scratch = tempfile.mkdtemp(prefix="bp-cut-")
    try:
        for index, (line, payload) in enumerate(records):
            disk.apply(line, payload)
            if not line.startswith(("S1", "D1", "A ")) and index != len(records) - 1:
                continue
            cuts += 1
            if cuts % every:
                continue
            folder = os.path.join(scratch, f"cut-{index}")
            os.mkdir(folder)
            disk.materialize(folder)
            lost = losses(folder, disk.acknowledged, env)
            if lost:
                found.append((index, line, lost))
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return cuts, found


def test_nothing_acknowledged_is_lost_at_any_cut_point():
    stack, disk, log = record_workload(cases=14, replies=7)
    try:
        cuts, found = replay(disk, log, stack.env)
        assert cuts >= 100, f"only {cuts} cut points"
        assert not found, f"{len(found)} of {cuts} cut points lose acknowledged work; first: {found[:3]}"
        print(f"{cuts} cut points, no losses")
    finally:
        stack.cleanup()


@pytest.mark.parametrize("synchronous, drop_file_fsync, what", [
    ("NORMAL", True, "case"),  # neither: the product before this suite
    ("NORMAL", False, "case"),  # files synced, commits not: acknowledged rows vanish
    ("FULL", True, "document"),  # commits synced, files not: rows without their file
])
def test_the_same_cuts_lose_work_without_durable_commits_or_file_fsync(synchronous, drop_file_fsync, what):
    """The controls: if these passed without losses, the test above would prove nothing."""
    stack, disk, log = record_workload(cases=4, replies=2, env={"BP_SQLITE_SYNCHRONOUS": synchronous},
                                       drop_file_fsync=drop_file_fsync)
    try:
        cuts, found = replay(disk, log, stack.env)
        assert found, f"no losses at any of {cuts} cut points with synchronous={synchronous}, file fsync dropped={drop_file_fsync}"
        kinds = " ".join(" ".join(lost) for _, _, lost in found)
        assert what in kinds, f"losses, but none of a {what}: {found[:3]}"
        print(f"{synchronous}, file fsync {'dropped' if drop_file_fsync else 'kept'}: {cuts} cut points, "
              f"{len(found)} with losses, e.g. {found[-1][2][:3]}")
    finally:
        stack.cleanup()
