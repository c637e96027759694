"""The screenshots the e2e suites write are read by people: Hangul must render as Hangul.

Without a Korean font Chromium draws every Hangul syllable as an empty box, and every other
e2e check still passes (they read the DOM, not pixels). `make browser` installs fonts-nanum
beside Chromium; this fails when a machine has the browser but no Korean font.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.e2e.chromium import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


def test_the_browser_machine_has_a_korean_font() -> None:
    fc_list = shutil.which("fc-list")
    assert fc_list, "fontconfig's fc-list is missing (Chromium depends on it): reinstall chromium"
    families = subprocess.run(
        [fc_list, ":lang=ko", "family"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert families.strip(), (
        "no Korean font: screenshots would show boxes for Hangul (make browser installs fonts-nanum)"
    )
