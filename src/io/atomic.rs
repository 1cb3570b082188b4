//! Writing outputs so that a failed or interrupted run leaves no half-written file:
//! everything goes to a temporary place beside the target, renamed into place at the end.

use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Fills a new directory with `fill` and puts it at `dir`, replacing an earlier output
/// directory (one holding nothing but files named in `outputs`) or an empty one, never
/// any other.
pub fn replace_dir(
    dir: &Path,
    outputs: &[&str],
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<()> {
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
    let staging = tempfile::Builder::new()
        .prefix(".cpts-out-")
        .tempdir_in(&parent)
        .map_err(|e| fail(e.to_string()))?;
    fill(staging.path()).map_err(|e| fail(e.to_string()))?;
    if !dir.exists() {
        let staged = staging.keep();
        return fs::rename(&staged, dir).map_err(|e| {
            let _ = fs::remove_dir_all(&staged);
            fail(e.to_string())
        });
    }
    // The earlier outputs move aside into a directory of their own (removed when it
    // goes out of scope), and come back if the new ones cannot take their place.
    let retired = tempfile::Builder::new()
        .prefix(".cpts-old-")
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

/// Writes `bytes` to `path` through a temporary file renamed over it.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
        fix: "check that the directory exists and is writable".into(),
    };
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(fail)?;
    let mut file = tempfile::Builder::new()
        .prefix(".cpts-")
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
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|name| !outputs.contains(&name.as_str()))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
