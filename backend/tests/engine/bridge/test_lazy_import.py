import subprocess
import sys


def test_importing_the_bridge_and_the_tools_does_not_load_crewai() -> None:
    code = (
        "import sys, crewloom.engine.bridge, crewloom.engine.tools; "
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] in ('crewai', 'crewai_tools')); "
        "print(loaded)"
    )
    finished = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert finished.stdout.strip() == "[]"
