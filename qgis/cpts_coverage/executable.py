"""The `cpts` executable: found in the provider's setting or on PATH, its version checked,
and run with its messages shown in the algorithm's feedback as they come."""

import os
import queue
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass

from processing.core.ProcessingConfig import ProcessingConfig
from qgis.core import QgsProcessingException

from .language import text

# The provider setting holding the path of the executable.
SETTING = "CPTS_EXECUTABLE"
MINIMUM_VERSION = (0, 1, 0)

# A stage line of `cpts -v`: `[  1.23s] overlaying communes and perimeters`.
STAGE = re.compile(r"^\[\s*(\d+(?:\.\d+)?)s\] (.+)$")

# Where each stage starts, in percent of a whole run (the medians of the national run).
STAGE_PROGRESS = {
    "reading the inputs": 0,
    "reading the communes": 0,
    "projecting the perimeters": 38,
    "matching the membership lists": 38,
    "overlaying communes and perimeters": 41,
    "dissolving the white zones": 68,
    "collecting the overlaps": 78,
    "drawing up the plan": 79,
    "writing the outputs": 82,
    "done": 100,
}


def setting_place():
    """Where the planner sets the executable, in the words of QGIS's menus."""
    return text(
        "Processing › Options › Providers › CPTS coverage › cpts executable",
        "Traitement › Options › Fournisseurs de traitements › CPTS coverage › Exécutable cpts",
    )


def find():
    """The path of the executable, checked to run and to be recent enough; a
    QgsProcessingException naming the setting when it is not."""
    configured = (ProcessingConfig.getSetting(SETTING) or "").strip()
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise QgsProcessingException(text(
                f"The cpts executable set in {setting_place()} ({configured}) is not an "
                "executable file: give the path of cpts there, or clear the setting to use "
                "the cpts found on PATH.",
                f"L'exécutable cpts indiqué dans {setting_place()} ({configured}) n'est pas "
                "un fichier exécutable : indiquez-y le chemin de cpts, ou videz ce réglage pour "
                "utiliser le cpts trouvé dans le PATH.",
            ))
        path = configured
    else:
        path = shutil.which("cpts")
        if path is None:
            raise QgsProcessingException(text(
                "cpts was not found on PATH: install it (cargo install --path . in "
                "cpts-coverage, or copy target/release/cpts into a folder of PATH) or give "
                f"its path in {setting_place()}.",
                "cpts est introuvable dans le PATH : installez-le (cargo install --path . "
                "dans cpts-coverage, ou copiez target/release/cpts dans un dossier du PATH) "
                f"ou indiquez son chemin dans {setting_place()}.",
            ))
    check_version(path)
    return path


def check_version(path):
    """Fails, naming the setting, unless `path --version` reads `cpts X.Y.Z` with X.Y.Z at
    least MINIMUM_VERSION; returns the version."""
    try:
        said = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        output = said.stdout.strip()
    except (OSError, subprocess.SubprocessError) as e:
        output = str(e)
    found = re.match(r"^cpts (\d+)\.(\d+)\.(\d+)", output)
    version = tuple(int(n) for n in found.groups()) if found else None
    if version is None or version < MINIMUM_VERSION:
        needed = ".".join(map(str, MINIMUM_VERSION))
        raise QgsProcessingException(text(
            f"{path} --version gave {output!r}: the plugin needs cpts {needed} or later. "
            f"Install a newer cpts, or give the path of one in {setting_place()}.",
            f"{path} --version a répondu {output!r} : l'extension demande cpts {needed} ou "
            f"plus récent. Installez un cpts plus récent, ou indiquez le chemin d'un autre dans "
            f"{setting_place()}.",
        ))
    return version


@dataclass
class Run:
    """What a run of cpts gave: its exit status, its standard output, and the lines of its
    standard error that are not stage lines."""

    code: int
    stdout: str
    messages: str


def run(path, args, feedback, accepted=(0,)):
    """Runs `path args…`, showing its stage lines as progress and its other lines as they
    come; kills it when the feedback is cancelled. An exit status outside `accepted`
    raises a QgsProcessingException holding cpts's whole message."""
    feedback.pushCommandInfo(" ".join([path] + [_quoted(a) for a in args]))
    process = subprocess.Popen(
        [path] + args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines = queue.Queue()
    readers = [
        threading.Thread(target=_read, args=(stream, name, lines), daemon=True)
        for stream, name in ((process.stdout, "out"), (process.stderr, "err"))
    ]
    for reader in readers:
        reader.start()
    stdout, messages, open_streams, progress, failing = [], [], len(readers), 0, False
    while open_streams:
        if feedback.isCanceled():
            process.kill()
            process.wait()
            raise QgsProcessingException(text("Cancelled: cpts was stopped.", "Annulé : cpts a été arrêté."))
        try:
            stream, line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if line is None:
            open_streams -= 1
            continue
        line = line.rstrip("\n")
        stage = STAGE.match(line) if stream == "err" else None
        if stage:
            name = stage.group(2)
            feedback.setProgressText(name)
            feedback.pushCommandInfo(line)
            progress = max(progress, STAGE_PROGRESS.get(name, progress))
            feedback.setProgress(progress)
        elif stream == "err":
            messages.append(line)
            if line.startswith("error:") or failing:
                failing = True  # the error, shown whole when cpts exits
            elif line.startswith("warning:"):
                feedback.pushWarning(line)
            else:
                feedback.pushInfo(line)
        else:
            stdout.append(line)
            feedback.pushConsoleInfo(line)
    code = process.wait()
    result = Run(code, "\n".join(stdout), "\n".join(messages))
    if code not in accepted:
        error = next((i for i, line in enumerate(messages) if line.startswith("error:")), 0)
        whole = "\n".join(messages[error:]) or result.stdout
        raise QgsProcessingException(
            whole if code == 2 else text(
                f"cpts ended with status {code}:\n{whole}",
                f"cpts s'est terminé avec le statut {code} :\n{whole}",
            )
        )
    return result


def _read(stream, name, lines):
    with stream:
        for line in stream:
            lines.put((name, line))
    lines.put((name, None))


def _quoted(arg):
    return f'"{arg}"' if re.search(r"\s", arg) else arg
