"""The order of system calls that makes an acknowledged upload, reply or email survive a
power cut, read from `strace -f` of `bp serve` and `bp worker` while real requests go
through nginx: the document's fsync, its rename into the store, the store folder's
fsync, the fdatasync of SQLite's WAL that commits the row, and only then the response
to nginx. For mail: the message's fsync, its rename into new/, new/'s fsync, and only
then the commit that marks it sent."""
import os
import re
import shutil

from harness import Stack, pdf, sign_in_customer, sign_in_merchant, wait_for

STRACE = shutil.which("strace") or "/usr/bin/strace"
TRACED = "fsync,fdatasync,rename,renameat,renameat2,write,writev,pwrite64"


def traced(path):
    return [STRACE, "-f", "-qq", "-y", "-s", "120", "-e", f"trace={TRACED}", "-o", path]


def completed_calls(path):
    """(index, call name, text) of every call that returned, in the order they returned."""
    calls = []
    for line in open(path, errors="replace"):
        line = re.sub(r"^\d+\s+", "", line)
        if "<unfinished ...>" in line:
            continue
        match = re.match(r"(?:<\.\.\. )?(\w+)", line)
        if match:
            calls.append((len(calls), match.group(1), line.strip()))
    return calls


def first(calls, after, name, *contains):
    for index, call, text in calls:
        if index > after and call == name and all(c in text for c in contains):
            return index
    raise AssertionError(f"no {name} containing {contains} after call {after}:\n" +
                         "\n".join(t for i, _, t in calls if i > after)[:4000])


def assert_upload_order(calls, start, sha):
    """The document with hash `sha` was made durable, then the row, then the answer."""
    rename = first(calls, start, "rename", "/tmp/uploads/", f"/documents/{sha[:2]}/{sha[2:4]}/{sha}")
    upload = re.search(r'rename\("([^"]+)"', calls[rename][2]).group(1)
    file_sync = max(i for i, call, text in calls if i < rename and call == "fsync" and f"<{upload}>" in text)
    assert file_sync > start, "the upload's fsync happened before this request"
    folder_sync = first(calls, rename, "fsync", f"/documents/{sha[:2]}/{sha[2:4]}>")
    commit = first(calls, folder_sync, "fdatasync", "bp.sqlite-wal>")
    response = first(calls, commit, "write", "socket:", "Status: 303")
    assert file_sync < rename < folder_sync < commit < response
    return response


def test_an_upload_is_on_disk_before_its_row_commits_and_the_answer_is_sent():
    stack = Stack({"BP_THREADS": "1"})
    trace = os.path.join(stack.scratch, "serve.strace")
    try:
        stack.start(serve_wrapper=traced(trace))
        customer = sign_in_customer(stack)
        protection = stack.register("ORDER-1")
        customer.get(f"/protections/{protection}")
        document = pdf("strace feedback")
        status, headers, _ = customer.post_multipart(
            f"/protections/{protection}/feedback", [("option", "not_received"), ("message", "Nothing came.")],
            [("documents", "order.pdf", document, "application/pdf")])
        assert status == 303
        case_id = headers["location"].split("?")[0].split("/")[-1]
        merchant = sign_in_merchant(stack)
        merchant.get(f"/merchant/cases/{case_id}/reply")
        answer = pdf("strace reply")
        status, _, _ = merchant.post_multipart(
            f"/merchant/cases/{case_id}/reply", [("refund", "no"), ("message", "Delivered.")],
            [("documents", "proof.pdf", answer, "application/pdf")])
        assert status == 303
        stack.stop_processes()
        calls = completed_calls(trace)
        import hashlib
        after_feedback = assert_upload_order(calls, -1, hashlib.sha256(document).hexdigest())
        assert_upload_order(calls, after_feedback, hashlib.sha256(answer).hexdigest())
    finally:
        stack.cleanup()


def test_an_email_is_on_disk_before_the_outbox_marks_it_sent():
    stack = Stack()
    trace = os.path.join(stack.scratch, "worker.strace")
    try:
        stack.start(worker_wrapper=traced(trace))
        sign_in_customer(stack)
        wait_for(lambda: stack.query("SELECT COUNT(*) FROM outbox WHERE state != 'sent'")[0][0] == 0,
                 what="the worker delivering the sign-in mail")
        stack.stop_processes()
        calls = completed_calls(trace)
        rename = first(calls, -1, "rename", "/mail/tmp/bp", "/mail/new/bp")
        message = re.search(r'rename\("([^"]+)"', calls[rename][2]).group(1)
        file_sync = max(i for i, call, text in calls if i < rename and call == "fsync" and f"<{message}>" in text)
        folder_sync = first(calls, rename, "fsync", "/mail/new>")
        commit = first(calls, folder_sync, "fdatasync", "bp.sqlite-wal>")
        assert file_sync < rename < folder_sync < commit
        # Nothing about this message was committed as sent before its folder sync.
        assert not [t for i, c, t in calls if file_sync < i < folder_sync and c == "fdatasync"]
    finally:
        stack.cleanup()
