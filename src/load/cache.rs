//! The cache of the communes: a territory read, repaired and checked once is kept on
//! disk, keyed by the bytes of every file it was read from and the options read with,
//! so that a re-run on unchanged communes skips parsing and checking them. A finer
//! population layer, read and assigned to the communes of a scope, is kept the same way.
//!
//! An entry is `MAGIC`, the format version, the payload's length and its XXH3-128
//! hash, then the payload (the [`Territory`] in postcard). Anything that does not match
//! (a cut, altered or older entry) is read as absent, and the entry is rebuilt.

use crate::error::{Error, Result};
use crate::load::inputs::{LoadOptions, Territory};
use crate::load::spread::join_population_grid;
use crate::model::provenance::{Assumption, Provenance, Source};
use crate::model::spread::Spread;
use crate::read::gpkg::split_layer;
use crate::read::population_grid::{PopulationGrid, PopulationGridFile};
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// The first bytes of an entry.
const MAGIC: &[u8; 8] = b"CPTSTERR";
/// Bumped whenever the cached structures change shape.
const FORMAT: u32 = 6;
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
    /// Read from the inputs and stored.
    Stored {
        /// The entry written.
        path: PathBuf,
        /// What was wrong with an entry found there, if one was.
        why: Option<String>,
    },
    /// Read from the inputs; the entry could not be written (the run goes on).
    Unwritable {
        /// The entry that could not be written.
        path: PathBuf,
        /// Why.
        why: String,
    },
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

/// The communes of `options` scoped (`--territory`, the access tables), with the finer
/// population layer joined when there is one; each through the cache.
pub struct Loaded {
    pub territory: Territory,
    /// What the cache did for the communes.
    pub communes: CacheUse,
    /// What it did for the finer population layer, if any.
    pub grid: Option<CacheUse>,
}

/// The territory of `options`, scoped, with its finer population layer joined: each
/// from its entry in `dir` when one matches (for the layer: the same communes, scope
/// and layer), else read and stored there; `dir` `None` reads without any cache. The
/// layer's entry, or the layer, is read while the communes are.
pub fn load_scoped(options: &LoadOptions, dir: Option<&Path>) -> Result<Loaded> {
    let key = dir.map(|_| key(options)).transpose()?;
    let (territory, grid) = rayon::join(
        || match (dir, key) {
            (Some(dir), Some(key)) => cached(dir, key, || Territory::load(options)),
            _ => Ok((Territory::load(options)?, CacheUse::Off)),
        },
        || {
            let file = options.population_grid.as_ref()?;
            Some(GridSource::new(options, file, dir.zip(key)))
        },
    );
    let (territory, communes) = territory?;
    let mut territory = territory.scoped(options)?;
    let (grid, file) = match (grid, &options.population_grid) {
        (Some(grid), Some(file)) => (grid?, file),
        _ => {
            return Ok(Loaded {
                territory,
                communes,
                grid: None,
            })
        }
    };
    let (entry, used) = match grid {
        GridSource::Cached(entry, used) => (entry, used),
        GridSource::Read {
            grid,
            mut provenance,
            entry: to_store,
        } => {
            let spread = join_population_grid(
                &territory.units,
                &territory.projected,
                &file.path,
                &grid,
                &mut provenance,
            )?;
            let entry = GridEntry {
                spread,
                sources: provenance.sources,
                assumptions: provenance.assumptions,
            };
            let used = match (dir, to_store) {
                (Some(dir), Some((path, why))) => keep(dir, path, &entry, why),
                _ => CacheUse::Off,
            };
            (entry, used)
        }
    };
    let provenance = &mut territory.provenance;
    provenance.sources.extend(entry.sources);
    provenance.assumptions.extend(entry.assumptions);
    territory.spread = Some(entry.spread);
    Ok(Loaded {
        territory,
        communes,
        grid: Some(used),
    })
}

/// A finer population layer joined to the units, with what the join stated.
#[derive(serde::Serialize, serde::Deserialize)]
struct GridEntry {
    spread: Spread,
    sources: Vec<Source>,
    assumptions: Vec<Assumption>,
}

/// A finer population layer: its join from the cache, or the layer read, to be joined.
enum GridSource {
    Cached(GridEntry, CacheUse),
    Read {
        grid: PopulationGrid,
        /// What reading it stated.
        provenance: Provenance,
        /// Where its join is to be stored, and what was wrong with an entry found
        /// there; `None` without a cache.
        entry: Option<(PathBuf, Option<String>)>,
    },
}

impl GridSource {
    /// The layer `file` of `options`: its entry in the cache `dir` (with the key of the
    /// communes) when one matches, else the layer read.
    fn new(
        options: &LoadOptions,
        file: &PopulationGridFile,
        dir: Option<(&Path, u128)>,
    ) -> Result<GridSource> {
        let entry = match dir {
            Some((dir, communes)) => {
                let mut hash = Xxh3::new();
                hash.update(&communes.to_le_bytes());
                hash.update(format!("grid {:?} {:?}", options.territory, file.field).as_bytes());
                hash_files(&mut hash, [&file.path])?;
                let path = entry_path(dir, hash.digest128());
                match lookup(&path) {
                    Found::Payload(entry) => {
                        return Ok(GridSource::Cached(entry, CacheUse::Hit(path)))
                    }
                    Found::Absent(why) => Some((path, why)),
                }
            }
            None => None,
        };
        let mut provenance = Provenance::default();
        let grid = file.read(&mut provenance)?;
        Ok(GridSource::Read {
            grid,
            provenance,
            entry,
        })
    }
}

/// The path of the entry `key` in `dir`.
fn entry_path(dir: &Path, key: u128) -> PathBuf {
    dir.join(format!("{key:032x}.bin"))
}

/// What the entry at a path holds.
enum Found<T> {
    Payload(T),
    /// No payload: why, when an entry was there.
    Absent(Option<String>),
}

/// The payload of the entry at `path`, marked as used, if it holds one.
fn lookup<T: serde::de::DeserializeOwned>(path: &Path) -> Found<T> {
    // An entry replaced by a pipe or a device would block, or never end.
    let regular = fs::metadata(path).map(|m| m.is_file());
    let read = match regular {
        Ok(false) => Err(std::io::Error::other("not a regular file")),
        _ => fs::read(path),
    };
    match read {
        Ok(bytes) => match decode(&bytes) {
            Ok(payload) => {
                // Marked as used, so that pruning keeps it.
                let _ = fs::File::options()
                    .append(true)
                    .open(path)
                    .and_then(|f| f.set_modified(std::time::SystemTime::now()));
                Found::Payload(payload)
            }
            Err(why) => Found::Absent(Some(why)),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Found::Absent(None),
        Err(e) => Found::Absent(Some(e.to_string())),
    }
}

/// Stores `payload` as the entry at `path` in `dir` (`why`: what was wrong with the
/// entry found there), and says how it went.
fn keep<T: serde::Serialize>(
    dir: &Path,
    path: PathBuf,
    payload: &T,
    why: Option<String>,
) -> CacheUse {
    match store(dir, &path, payload) {
        Ok(()) => {
            prune(dir);
            CacheUse::Stored { path, why }
        }
        Err(e) => CacheUse::Unwritable {
            path,
            why: e.to_string(),
        },
    }
}

/// The payload of the entry `key` in `dir` when it holds one, else made by `make` and
/// stored there.
fn cached<T: serde::Serialize + serde::de::DeserializeOwned>(
    dir: &Path,
    key: u128,
    make: impl FnOnce() -> Result<T>,
) -> Result<(T, CacheUse)> {
    let path = entry_path(dir, key);
    match lookup(&path) {
        Found::Payload(payload) => Ok((payload, CacheUse::Hit(path))),
        Found::Absent(why) => {
            let payload = make()?;
            let used = keep(dir, path, &payload, why);
            Ok((payload, used))
        }
    }
}

/// The key of `options`: the bytes and modification times of each file read (a
/// Shapefile with its sidecars, a GeoPackage with its write-ahead log), their paths,
/// the options read with, and the build of the engine (its executable's size and time).
fn key(options: &LoadOptions) -> Result<u128> {
    let mut hash = Xxh3::new();
    let build = std::env::current_exe()
        .and_then(fs::metadata)
        .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
        .unwrap_or_default();
    let settings = format!(
        "{} {build} {FORMAT} {:?} {:?} {:?} {:?}",
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
    hash_files(&mut hash, files)?;
    Ok(hash.digest128())
}

/// Adds to `hash` each file's path as given, and the bytes and modification time of it
/// and its sidecars.
fn hash_files<'a>(hash: &mut Xxh3, files: impl IntoIterator<Item = &'a PathBuf>) -> Result<()> {
    for path in files {
        // As given: `FILE.gpkg:LAYER` names the layer.
        hash.update(path.to_string_lossy().as_bytes());
        for file in with_sidecars(path) {
            hash.update(file.to_string_lossy().as_bytes());
            // An absent sidecar is part of the key too; an absent input fails when it
            // is read.
            let Ok(mut reader) = fs::File::open(&file) else {
                hash.update(b"absent");
                continue;
            };
            // The day a file was changed is reported (`sources[].modified`).
            let modified = reader.metadata().and_then(|m| m.modified()).ok();
            hash.update(format!("{modified:?}").as_bytes());
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
    Ok(())
}

/// The files `path` is read from: a Shapefile with the files beside it, a GeoPackage
/// (`FILE.gpkg` or `FILE.gpkg:LAYER`) with its write-ahead log, which holds the edits
/// not yet written back.
fn with_sidecars(path: &Path) -> Vec<PathBuf> {
    let path = split_layer(path).map_or(path.to_path_buf(), |(file, _)| file);
    let is = |extension: &str| {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(extension))
    };
    let mut files = vec![path.clone()];
    if is("shp") {
        for extension in ["shx", "dbf", "prj", "cpg"] {
            files.push(path.with_extension(extension));
        }
    }
    if is("gpkg") {
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        files.push(wal.into());
    }
    files
}

/// The payload of an entry, or why the entry does not hold one.
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> std::result::Result<T, String> {
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

/// Writes the entry of `payload` at `path`, whole or not at all. The payload is
/// streamed to the file and hashed on the way, never held in memory.
fn store<T: serde::Serialize>(dir: &Path, path: &Path, payload: &T) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(&[0; HEADER])?;
    let mut hashing = Hashing {
        inner: std::io::BufWriter::new(file.as_file_mut()),
        hash: Xxh3::new(),
        length: 0,
    };
    postcard::to_io(payload, &mut hashing).map_err(std::io::Error::other)?;
    hashing.flush()?;
    let (length, hash) = (hashing.length, hashing.hash.digest128());
    drop(hashing);
    file.seek(SeekFrom::Start(0))?;
    file.write_all(MAGIC)?;
    file.write_all(&FORMAT.to_le_bytes())?;
    file.write_all(&length.to_le_bytes())?;
    file.write_all(&hash.to_le_bytes())?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes all but the [`KEPT`] most recently used entries of `dir`, and the temporary
/// files of writes cut short, once old. Nothing else is touched: `--cache-dir` may name
/// a directory holding other files.
fn prune(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let is_entry = |name: &str| {
        name.strip_suffix(".bin").is_some_and(|key| {
            key.len() == 32
                && key
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let kind = match (is_entry(&name), name.starts_with(".tmp")) {
                (true, _) => true,
                (false, true) => false,
                (false, false) => return None,
            };
            Some((e.metadata().ok()?.modified().ok()?, e.path(), kind))
        })
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    let (entries, others): (Vec<_>, Vec<_>) = found.into_iter().partition(|(_, _, e)| *e);
    let entries = entries.into_iter().map(|(t, p, _)| (t, p));
    let others = others.into_iter().map(|(t, p, _)| (t, p));
    let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let abandoned = others.into_iter().filter(|(t, _)| *t < stale);
    for (_, path) in entries.skip(KEPT).chain(abandoned) {
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
    fn pruning_keeps_the_newest_entries_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        let mut names = Vec::new();
        for k in 0..KEPT + 2 {
            let name = format!("{k:032x}.bin");
            let path = dir.path().join(&name);
            fs::write(&path, b"entry").unwrap();
            let age = std::time::Duration::from_secs(60 * k as u64);
            let file = fs::File::options().append(true).open(&path).unwrap();
            file.set_modified(std::time::SystemTime::now() - age)
                .unwrap();
            names.push(name);
        }
        for other in ["communes.geojson", "notes.bin", ".tmpAbc123"] {
            let path = dir.path().join(other);
            fs::write(&path, b"x").unwrap();
            let file = fs::File::options().append(true).open(&path).unwrap();
            file.set_modified(old).unwrap();
        }
        prune(dir.path());
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut expected: Vec<String> = names[..KEPT].to_vec();
        expected.extend(["communes.geojson".to_string(), "notes.bin".to_string()]);
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn an_entry_with_one_byte_changed_or_cut_is_refused() {
        let territory = Territory {
            units: Vec::new(),
            projected: Vec::new(),
            repairs: Default::default(),
            arrondissements: false,
            provenance: Default::default(),
            access: None,
            spread: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry.bin");
        store(dir.path(), &path, &territory).unwrap();
        let bytes = fs::read(&path).unwrap();
        let decode = decode::<Territory>;
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
