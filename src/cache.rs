//! The cache of the communes: a territory read, repaired and checked once is kept on
//! disk, keyed by the bytes of every file it was read from and the options read with,
//! so that a re-run on unchanged communes skips parsing and checking them.
//!
//! An entry is `MAGIC`, the format version, the payload's length and its XXH3-128
//! hash, then the payload (the [`Territory`] in postcard). Anything that does not match
//! (a cut, altered or older entry) is read as absent, and the entry is rebuilt.

use crate::error::{Error, Result};
use crate::inputs::{LoadOptions, Territory};
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// The first bytes of an entry.
const MAGIC: &[u8; 8] = b"CPTSTERR";
/// Bumped whenever the cached structures change shape.
const FORMAT: u32 = 1;
/// Magic, format, length and hash.
const HEADER: usize = 8 + 4 + 8 + 16;
/// Entries kept: the most recently used (a national layer takes about 19 MB).
pub const KEPT: usize = 8;

/// How the territory was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheUse {
    /// No cache (`--no-cache`).
    Off,
    /// Read from the entry at this path.
    Hit(PathBuf),
    /// Read from the inputs and stored at this path; `why` says what was wrong with an
    /// entry found there, if one was.
    Stored { path: PathBuf, why: Option<String> },
    /// Read from the inputs; the entry could not be written (the run goes on).
    Unwritable { path: PathBuf, why: String },
}

/// The default cache directory: `$XDG_CACHE_HOME/cpts-coverage/territories`, else
/// `$HOME/.cache/cpts-coverage/territories`.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("cpts-coverage").join("territories"))
}

/// The territory of `options`: from the entry in `dir` when one matches, else read from
/// the inputs and stored there. `dir` `None` reads the inputs without any cache.
pub fn load_territory(options: &LoadOptions, dir: Option<&Path>) -> Result<(Territory, CacheUse)> {
    let Some(dir) = dir else {
        return Ok((Territory::load(options)?, CacheUse::Off));
    };
    let path = dir.join(format!("{:032x}.bin", key(options)?));
    let why = match fs::read(&path) {
        Ok(bytes) => match decode(&bytes) {
            Ok(territory) => {
                // Marked as used, so that pruning keeps it.
                let _ = fs::File::options()
                    .append(true)
                    .open(&path)
                    .and_then(|f| f.set_modified(std::time::SystemTime::now()));
                return Ok((territory, CacheUse::Hit(path)));
            }
            Err(why) => Some(why),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(e.to_string()),
    };
    let territory = Territory::load(options)?;
    let used = match store(dir, &path, &territory) {
        Ok(()) => {
            prune(dir);
            CacheUse::Stored { path, why }
        }
        Err(e) => CacheUse::Unwritable {
            path,
            why: e.to_string(),
        },
    };
    Ok((territory, used))
}

/// The key of `options`: the bytes of each file read (a Shapefile with its sidecars),
/// their paths, the options read with, and the engine's version.
fn key(options: &LoadOptions) -> Result<u128> {
    let mut hash = Xxh3::new();
    let settings = format!(
        "{} {FORMAT} {:?} {:?} {:?} {:?}",
        env!("CARGO_PKG_VERSION"),
        options.fields,
        options.crs,
        options
            .population
            .as_ref()
            .map(|p| (&p.code_column, &p.value_column)),
        options.arrondissements.is_some()
    );
    hash.update(settings.as_bytes());
    let files = [Some(&options.communes), options.arrondissements.as_ref()]
        .into_iter()
        .flatten()
        .chain(options.population.as_ref().map(|p| &p.path));
    for path in files {
        for file in with_sidecars(path) {
            hash.update(file.to_string_lossy().as_bytes());
            // An absent sidecar is part of the key too; an absent input fails when it
            // is read.
            let Ok(mut reader) = fs::File::open(&file) else {
                hash.update(b"absent");
                continue;
            };
            // In slices, so that a large layer is never held whole for its hash.
            let mut slice = vec![0; 1 << 20];
            loop {
                match reader.read(&mut slice) {
                    Ok(0) => break,
                    Ok(n) => hash.update(&slice[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        return Err(Error::Read {
                            path: file.clone(),
                            source: e,
                        })
                    }
                }
            }
        }
    }
    Ok(hash.digest128())
}

/// `path`, and for a Shapefile the files beside it that it is read with.
fn with_sidecars(path: &Path) -> Vec<PathBuf> {
    let shapefile = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    let mut files = vec![path.to_path_buf()];
    if shapefile {
        for extension in ["shx", "dbf", "prj", "cpg"] {
            files.push(path.with_extension(extension));
        }
    }
    files
}

/// The territory of an entry, or why the entry does not hold one.
fn decode(bytes: &[u8]) -> std::result::Result<Territory, String> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err("not a cache entry".into());
    }
    let format = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
    if format != FORMAT {
        return Err(format!("format {format}, {FORMAT} expected"));
    }
    let length = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != length {
        return Err(format!("{} bytes, {length} expected", payload.len()));
    }
    let hash = u128::from_le_bytes(bytes[20..36].try_into().unwrap_or_default());
    if xxh3_128(payload) != hash {
        return Err("its content does not match its hash".into());
    }
    postcard::from_bytes(payload).map_err(|e| e.to_string())
}

/// Writes the entry of `territory` at `path`, whole or not at all. The payload is
/// streamed to the file and hashed on the way, never held in memory.
fn store(dir: &Path, path: &Path, territory: &Territory) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(&[0; HEADER])?;
    let mut payload = Hashing {
        inner: std::io::BufWriter::new(file.as_file_mut()),
        hash: Xxh3::new(),
        length: 0,
    };
    postcard::to_io(territory, &mut payload).map_err(std::io::Error::other)?;
    payload.flush()?;
    let (length, hash) = (payload.length, payload.hash.digest128());
    drop(payload);
    file.seek(SeekFrom::Start(0))?;
    file.write_all(MAGIC)?;
    file.write_all(&FORMAT.to_le_bytes())?;
    file.write_all(&length.to_le_bytes())?;
    file.write_all(&hash.to_le_bytes())?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes all but the [`KEPT`] most recently used entries of `dir` (and the temporary
/// files of writes that were cut short, once old).
fn prune(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    let (entries, others): (Vec<_>, Vec<_>) = found
        .into_iter()
        .partition(|(_, p)| p.extension().is_some_and(|e| e == "bin"));
    let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let abandoned = others.into_iter().filter(|(t, _)| *t < stale);
    for (_, path) in entries.into_iter().skip(KEPT).chain(abandoned) {
        let _ = fs::remove_file(path);
    }
}

/// A writer that hashes and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hash: Xxh3,
    length: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.length += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_with_one_byte_changed_or_cut_is_refused() {
        let territory = Territory {
            units: Vec::new(),
            repairs: Default::default(),
            arrondissements: false,
            provenance: Default::default(),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry.bin");
        store(dir.path(), &path, &territory).unwrap();
        let bytes = fs::read(&path).unwrap();
        assert!(decode(&bytes).is_ok());
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(
            decode(&flipped).err().as_deref(),
            Some("its content does not match its hash")
        );
        let cut = &bytes[..bytes.len() - 1];
        assert!(decode(cut).unwrap_err().contains("expected"));
        assert_eq!(decode(b"{}").err().as_deref(), Some("not a cache entry"));
    }
}
