//! The QGIS plugin of `qgis/` run headless in Debian's QGIS with the `cpts` built for the
//! tests: each Python test file of `qgis/tests` (`qgis_process` against the command
//! line, the algorithms on the layers of a project, Processing's dialog, the zip
//! installed into a clean profile). Skipped when QGIS is absent (scripts/setup.sh
//! installs it).

mod common;

use common::root;
use std::process::Command;

/// Whether Debian's QGIS is here: its Python bindings and `qgis_process`.
fn qgis_installed() -> bool {
    let bindings = Command::new("/usr/bin/python3")
        .args(["-c", "import qgis.core"])
        .output()
        .is_ok_and(|out| out.status.success());
    let runner = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|p| p.join("qgis_process").is_file())
    });
    if !(bindings && runner) {
        eprintln!(
            "skipped: QGIS is not installed (python3-qgis and qgis_process; scripts/setup.sh installs qgis, python3-qgis and qgis-providers)"
        );
    }
    bindings && runner
}

/// Runs the Python test file `name` of `qgis/tests` with the `cpts` of this build.
fn python_tests(name: &str) {
    if !qgis_installed() {
        return;
    }
    let out = Command::new("/usr/bin/python3")
        .arg(root().join("qgis/tests").join(name))
        .env("CPTS_BIN", env!("CARGO_BIN_EXE_cpts"))
        .env("XDG_CACHE_HOME", root().join("target/test-cache"))
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    eprintln!("{said}");
    assert!(out.status.success(), "qgis/tests/{name} failed:\n{said}");
    assert!(
        said.contains("\nOK"),
        "qgis/tests/{name} ran no test:\n{said}"
    );
}

#[test]
fn qgis_process_runs_analyze_as_the_command_line_does() {
    python_tests("test_qgis_process.py");
}

#[test]
fn the_algorithms_run_on_the_layers_of_a_project() {
    python_tests("test_algorithms.py");
}

#[test]
fn the_dialog_offers_every_parameter_and_runs_its_values() {
    python_tests("test_dialog.py");
}

#[test]
fn the_packaged_zip_installs_into_a_clean_profile() {
    python_tests("test_install.py");
}
