//! Input files as the readers need them: regular files, read once for the cache's key
//! and again to be parsed, of a size known in advance. A pipe, a device or a directory
//! is refused before anything is read (a pipe read twice would be empty the second
//! time; `/dev/zero` never ends).

use crate::error::{Error, Result};
use crate::read::gpkg::split_layer;
use std::path::Path;

/// Refuses the first of `paths` that exists and is not a regular file (links are
/// followed; `FILE.gpkg:LAYER` is the file `FILE.gpkg`). A missing file is left to its
/// reader, whose message names it.
pub fn check_regular_files(paths: &[&Path]) -> Result<()> {
    for path in paths {
        let file = split_layer(path).map(|(file, _)| file);
        let file = file.as_deref().unwrap_or(path);
        match std::fs::metadata(file) {
            Ok(m) if !m.is_file() => {
                return Err(Error::input(
                    file,
                    "the whole file",
                    "this is not a regular file (a pipe, a device or a directory): it cannot be \
                     read more than once nor its size known",
                    "save it to a file first (for example: zcat communes.geojson.gz > communes.geojson) and give that file",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}
