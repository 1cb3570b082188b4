//! The cache of the communes: a run reading them from the cache writes byte for byte
//! what a run reading their files writes; a changed, cut or altered entry is never
//! trusted; a changed communes layer is read again.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// `cpts analyze -v` with the cache in `cache` (or none): the outputs, and what it said.
fn run(
    communes: &Path,
    perimeters: &Path,
    out: &Path,
    cache: Option<&Path>,
    extra: &[&str],
) -> (BTreeMap<String, Vec<u8>>, String) {
    let mut args = vec![
        "analyze".to_string(),
        "-v".into(),
        "--force".into(),
        "--communes".into(),
        communes.display().to_string(),
        "--perimeters".into(),
        perimeters.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    match cache {
        Some(dir) => args.extend(["--cache-dir".into(), dir.display().to_string()]),
        None => args.push("--no-cache".into()),
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = cpts(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (file_bytes(out), run.stderr)
}

/// The one entry of a cache directory.
fn entry(cache: &Path) -> std::path::PathBuf {
    let entries: Vec<_> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries[0].clone()
}

/// Cold, stored, warm, and after each kind of damage: the same bytes.
fn same_outputs_whatever_the_cache(communes: &Path, perimeters: &Path, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let out = dir.path().join("out");
    let (cold, said) = run(communes, perimeters, &out, None, extra);
    assert!(!said.contains("cache"), "{said}");
    assert!(!cache.exists());
    let (stored, said) = run(communes, perimeters, &out, Some(&cache), extra);
    assert!(said.contains("communes stored in the cache"), "{said}");
    assert!(cold == stored, "storing changed the outputs");
    let (warm, said) = run(communes, perimeters, &out, Some(&cache), extra);
    assert!(said.contains("communes read from the cache"), "{said}");
    assert!(cold == warm, "the cache changed the outputs");
    let path = entry(&cache);
    let good = std::fs::read(&path).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let damages: [(&str, Vec<u8>, &str); 4] = [
        ("a byte changed", flipped, "does not match its hash"),
        ("cut short", good[..good.len() * 2 / 3].to_vec(), "expected"),
        ("emptied", Vec::new(), "not a cache entry"),
        (
            "another file",
            b"{\"type\": \"FeatureCollection\"}".to_vec(),
            "not a cache entry",
        ),
    ];
    for (damage, bytes, why) in damages {
        std::fs::write(&path, bytes).unwrap();
        let (again, said) = run(communes, perimeters, &out, Some(&cache), extra);
        assert!(
            said.contains("was unusable") && said.contains(why),
            "{damage}: {said}"
        );
        assert!(cold == again, "{damage}: the outputs changed");
        assert_eq!(std::fs::read(&path).unwrap(), good, "{damage}: not rebuilt");
    }
}

#[test]
fn the_fixture_gives_the_same_bytes_cold_warm_and_after_damage() {
    let f = root().join("fixtures");
    for perimeters in ["cpts-22.geojson", "cpts-22.csv"] {
        same_outputs_whatever_the_cache(&f.join("communes-22.geojson"), &f.join(perimeters), &[]);
    }
}

#[test]
fn world1_gives_the_same_bytes_cold_warm_and_after_damage() {
    let Some(data) = shared_data() else { return };
    let arrondissements = data.join("france/arrondissements.geojson");
    same_outputs_whatever_the_cache(
        &data.join("france/communes.geojson"),
        &data.join("world1/cpts.geojson"),
        &["--arrondissements", arrondissements.to_str().unwrap()],
    );
}

#[test]
fn a_changed_communes_layer_is_read_again() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let communes = dir.path().join("communes.geojson");
    let original = std::fs::read_to_string(f.join("communes-22.geojson")).unwrap();
    std::fs::write(&communes, &original).unwrap();
    let perimeters = f.join("cpts-22.geojson");
    let out = dir.path().join("out");
    let (before, _) = run(&communes, &perimeters, &out, Some(&cache), &[]);
    // One population changed, the file's size kept.
    let first = original
        .find("\"population\":")
        .expect("a population property")
        + 13;
    let mut changed = original.into_bytes();
    changed[first] = if changed[first] == b'1' { b'2' } else { b'1' };
    std::fs::write(&communes, &changed).unwrap();
    let (after, said) = run(&communes, &perimeters, &out, Some(&cache), &[]);
    assert!(said.contains("communes stored in the cache"), "{said}");
    assert_ne!(before["summary.json"], after["summary.json"]);
    let (cold, _) = run(&communes, &perimeters, &out, None, &[]);
    assert!(cold == after);
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
}
