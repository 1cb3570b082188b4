//! Writing outputs so that a failed or interrupted run leaves no half-written file:
//! everything goes to a temporary place beside the target, renamed into place at the end.

use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Fills a new directory with `fill` and puts it at `dir`, replacing an earlier output
/// directory (one holding nothing but files named in `outputs`) or an empty one, never
/// any other. A link to a directory is followed: the outputs land in its target.
pub fn replace_dir(
    dir: &Path,
    outputs: &[&str],
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<()> {
    let dir = &resolved(dir);
    let fail = |message: String| Error::Output {
        path: dir.to_path_buf(),
        message,
        fix: "check that the directory's parent exists and is writable".into(),
    };
    if let Some(stranger) = foreign_entry(dir, outputs) {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            message: format!("the directory holds {stranger:?}, which is not an output of cpts"),
            fix: "choose a new or empty --out directory".into(),
        });
    }
    let parent = parent_of(dir);
    fs::create_dir_all(&parent).map_err(|e| fail(e.to_string()))?;
    remove_abandoned(&parent);
    let staging = staging_builder(&staging_prefix(std::process::id()), 0o777)
        .tempdir_in(&parent)
        .map_err(|e| fail(e.to_string()))?;
    fill(staging.path()).map_err(|e| fail(e.to_string()))?;
    if !dir.exists() {
        return fs::rename(staging.path(), dir).map_err(|e| fail(e.to_string()));
    }
    // One atomic swap: the new outputs take the place of the earlier ones, which land in
    // the staging directory and go with it. Killed at any moment, the run leaves either
    // the earlier outputs or the new ones at `dir`, never a mix or nothing.
    if exchange(staging.path(), dir).is_ok() {
        return Ok(());
    }
    // File systems without the swap: the earlier outputs move aside, and come back if
    // the new ones cannot take their place.
    let retired = staging_builder(&staging_prefix(std::process::id()), 0o777)
        .tempdir_in(&parent)
        .map_err(|e| fail(e.to_string()))?;
    let old = retired.path().join("outputs");
    fs::rename(dir, &old).map_err(|e| fail(e.to_string()))?;
    if let Err(e) = fs::rename(staging.path(), dir) {
        let _ = fs::rename(&old, dir);
        return Err(fail(e.to_string()));
    }
    let _ = staging.keep();
    Ok(())
}

/// Checks an output directory before a run spends its time: it must not hold (or be)
/// one of the `inputs`, and an existing, non-empty one is replaced only with `force`.
pub fn check_out_dir(dir: &Path, force: bool, inputs: &[&Path]) -> Result<()> {
    let refuse = |message: String, fix: &str| Error::Output {
        path: dir.to_path_buf(),
        message,
        fix: fix.into(),
    };
    if let Ok(out) = dir.canonicalize() {
        if std::env::current_dir().is_ok_and(|here| here.starts_with(&out)) {
            return Err(refuse(
                "the output directory is the current directory (or holds it): the outputs \
                 replace the whole directory in one step, which cannot be done to the \
                 directory the command runs in"
                    .into(),
                "give a directory of its own, for example --out out",
            ));
        }
        for input in inputs {
            if input.canonicalize().is_ok_and(|i| i.starts_with(&out)) {
                return Err(refuse(
                    format!(
                        "the input {} lies in the output directory: the outputs would replace it",
                        input.display()
                    ),
                    "choose an --out directory apart from the inputs",
                ));
            }
        }
    }
    let holds_something = fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if holds_something && !force {
        return Err(refuse(
            "the directory already holds outputs".into(),
            "give --force to replace them, or choose another --out directory",
        ));
    }
    Ok(())
}

/// Checks an output file (`option` names it for messages) before a run spends its
/// time: it may not be one of the `inputs`, nor anything but a regular file where it
/// exists (a directory, a device, a pipe, followed through links), and an existing one
/// is replaced only with `force`.
pub fn check_out_file(path: &Path, force: bool, inputs: &[&Path], option: &str) -> Result<()> {
    let refuse = |message: String, fix: &str| Error::Output {
        path: path.to_path_buf(),
        message,
        fix: fix.into(),
    };
    if let Some(input) = same_as_input(path, inputs) {
        return Err(refuse(
            format!(
                "{option} is the input {}: it would be written over",
                input.display()
            ),
            "write to a new file",
        ));
    }
    match fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(refuse(
            format!("{option} exists and is not a regular file (a directory, a device or a pipe)"),
            "give the path of a new file",
        )),
        Ok(_) if !force => Err(refuse(
            format!("{option} exists"),
            "give a new file, or --force to replace it",
        )),
        _ => Ok(()),
    }
}

/// The one of `inputs` that `path` names (links followed), if any.
pub fn same_as_input<'a>(path: &Path, inputs: &[&'a Path]) -> Option<&'a Path> {
    let path = path.canonicalize().ok()?;
    inputs
        .iter()
        .copied()
        .find(|input| input.canonicalize().is_ok_and(|i| i == path))
}

/// A builder of staging files or directories named `prefix`…, created with `mode` less
/// the umask, as the outputs they become would be (not a temporary file's 0600).
fn staging_builder(prefix: &str, mode: u32) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder
}

/// Staging directories and files are named after the process that writes them, so that
/// a later run can tell those of a killed run from those of a run still going on.
fn staging_prefix(pid: u32) -> String {
    format!(".cpts-out-{pid}-")
}

/// Removes the staging directories and files left in `parent` by runs that were killed.
fn remove_abandoned(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(".cpts-out-")
            .and_then(|rest| rest.split('-').next()?.parse::<u32>().ok());
        if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = match entry.file_type().is_ok_and(|t| t.is_dir()) {
                true => fs::remove_dir_all(entry.path()),
                false => fs::remove_file(entry.path()),
            };
        }
    }
}

/// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (a, b) = (
        CString::new(a.as_os_str().as_bytes())?,
        CString::new(b.as_os_str().as_bytes())?,
    );
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Writes `bytes` to `path` through a temporary file renamed over it.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
        fix: "check that the directory exists and is writable".into(),
    };
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(fail)?;
    remove_abandoned(&parent);
    let mut file = staging_builder(&staging_prefix(std::process::id()), 0o666)
        .tempfile_in(&parent)
        .map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The first entry of an existing `dir` that is not one of `outputs` (or the path
/// itself when it is not a directory).
fn foreign_entry(dir: &Path, outputs: &[&str]) -> Option<String> {
    if !dir.exists() {
        return None;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return Some(dir.display().to_string());
    };
    // A directory or a link named like an output is the user's, not an output.
    entries
        .filter_map(|e| e.ok())
        .find(|e| {
            let name = e.file_name();
            let is_output = outputs.iter().any(|o| name.to_str() == Some(o));
            !is_output || !e.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
}

/// `dir` with a link followed to its target (an existing directory), and without a
/// trailing `/`, so that the output directory swapped in one step is the real one.
fn resolved(dir: &Path) -> PathBuf {
    let dir: PathBuf = dir.components().collect();
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => dir.canonicalize().unwrap_or(dir),
        _ => dir,
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
