//! The outputs of `cpts plan`: `plan.json` (every proposal), `plan.csv` (a row per
//! proposal), `proposals.geojson` (the territories proposed, ready to style in QGIS)
//! and `plan.md` (the plan as a report section), written all at once.

use crate::analysis::Analysis;
use crate::apply::Applied;
use crate::error::{Error, Result};
use crate::inputs::Inputs;
use crate::io::atomic::replace_dir;
use crate::io::diff_report::cell;
use crate::io::geojson_out::{collection, feature, write_layer};
use crate::io::ght::Ght;
use crate::io::numbers::Lang;
use crate::plan::{Change, Plan};
use crate::projection::to_wgs84;
use crate::territories::{departement_name, labelled};
use geo::MultiPolygon;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::Path;

/// The files `plan` writes.
pub const PLAN_FILES: [&str; 4] = ["plan.json", "plan.csv", "proposals.geojson", "plan.md"];

/// Version of the shape of `plan.json`.
pub const PLAN_SCHEMA_VERSION: u32 = 1;

/// Columns of `plan.csv`.
const COLUMNS: [&str; 13] = [
    "kind",
    "white_zone",
    "rank",
    "cpts",
    "nom",
    "shared_border_km",
    "population_before",
    "population_after",
    "tier_before",
    "tier_after",
    "funding_before_eur",
    "funding_after_eur",
    "funding_change_eur",
];

/// Writes every output of `plan` into `dir` (see [`replace_dir`]).
pub fn write_plan(
    dir: &Path,
    plan: &Plan,
    inputs: &Inputs,
    analysis: &Analysis,
    ght: &[Ght],
) -> Result<()> {
    let proposals = proposal_features(plan, inputs, analysis)?;
    replace_dir(dir, &PLAN_FILES, |staging| {
        let mut text = serde_json::to_string_pretty(&plan_json(plan, inputs, analysis, ght))
            .map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(staging.join("plan.json"), text)?;
        write_csv(&staging.join("plan.csv"), plan, inputs, analysis)?;
        std::fs::write(
            staging.join("plan.md"),
            plan_markdown(plan, inputs, analysis),
        )?;
        write_layer(&staging.join("proposals.geojson"), &proposals)
    })
}

/// `ZB-0001` for the first white zone.
fn zone_id(z: usize) -> String {
    format!("ZB-{:04}", z + 1)
}

fn change_json(c: &Change) -> Value {
    json!({
        "population_before": c.population_before,
        "population_after": c.population_after,
        "tier_before": c.tier_before.number(),
        "tier_after": c.tier_after.number(),
        "funding_before_eur": c.funding_before,
        "funding_after_eur": c.funding_after,
        "funding_change_eur": i64::from(c.funding_after) - i64::from(c.funding_before),
    })
}

/// Joins two JSON objects.
fn with(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn plan_json(plan: &Plan, inputs: &Inputs, analysis: &Analysis, ght: &[Ght]) -> Value {
    let cpts = &inputs.cpts;
    let code = |u: usize| inputs.units[u].code.to_string();
    let white_zones: Vec<Value> = plan
        .zones
        .iter()
        .map(|z| {
            let w = &analysis.white.zones[z.zone];
            let proposal = match (z.candidates.is_empty(), z.extensions.is_empty(), &z.nearest) {
                (false, _, _) => "new_cpts",
                (true, false, _) => "extension",
                (true, true, Some(_)) => "nearest",
                (true, true, None) => "none",
            };
            json!({
                "id": zone_id(z.zone),
                "population": w.population,
                "area_km2": w.area_m2 / 1e6,
                "departements": w.departements,
                "proposal": proposal,
                "extensions": z.extensions.iter().map(|e| with(json!({
                    "cpts": cpts[e.cpts].id,
                    "nom": cpts[e.cpts].nom,
                    "statut": cpts[e.cpts].statut.as_str(),
                    "shared_border_km": e.shared_border_m / 1e3,
                }), change_json(&e.change))).collect::<Vec<_>>(),
                "candidates": z.candidates.iter().map(|&c| &plan.candidates[c].id).collect::<Vec<_>>(),
                "nearest": z.nearest.as_ref().map(|n| with(json!({
                    "cpts": cpts[n.cpts].id,
                    "nom": cpts[n.cpts].nom,
                    "distance_km": n.distance_m / 1e3,
                }), change_json(&n.change))),
            })
        })
        .collect();
    let candidates: Vec<Value> = plan
        .candidates
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "white_zone": zone_id(c.zone),
                "population": c.population,
                "tier": c.tier.number(),
                "funding_max_eur": c.funding_max,
                "communes": c.communes.iter().map(|&u| code(u)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let overlaps: Vec<Value> = plan
        .rulings
        .iter()
        .map(|r| {
            let o = &analysis.overlaps[r.overlap];
            with(
                json!({
                    "cpts_a": cpts[o.a].id,
                    "cpts_b": cpts[o.b].id,
                    "population": o.population,
                    "area_km2": o.area_m2 / 1e6,
                    "keeper": cpts[r.keeper].id,
                    "leaver": cpts[r.leaver].id,
                    "keeper_population": r.keeper_population,
                    "leaver_population": r.leaver_population,
                }),
                json!({ "leaver_change": change_json(&r.leaver_change) }),
            )
        })
        .collect();
    let small: Vec<Value> = plan
        .small_cpts
        .iter()
        .map(|&k| json!({"id": cpts[k].id, "nom": cpts[k].nom, "population": analysis.cpts_population[k]}))
        .collect();
    json!({
        "schema_version": PLAN_SCHEMA_VERSION,
        "rules": {
            "new_cpts_min": plan.options.new_cpts_min,
            "max_population": plan.options.max_population,
            "min_border_m": plan.options.min_border_m,
            "regional_min": plan.options.regional_min,
            "extension_rank": "longest border shared with the white zone first, then CPTS id",
            "overlap_keeper": "the CPTS holding more inhabitants in the communes the overlap touches; ties to the lower id",
        },
        "white_zones": white_zones,
        "candidates": candidates,
        "overlaps": overlaps,
        "small_cpts": small,
        "multi_ght": plan.multi_ght.iter().map(|m| json!({
            "cpts": cpts[m.cpts].id,
            "nom": cpts[m.cpts].nom,
            "ght": m.shares.iter().map(|&(g, share)| json!({
                "code": ght[g].code, "nom": ght[g].nom, "population_share": share,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "funding": {
            "before_eur": plan.funding_before,
            "after_eur": plan.funding_after,
            "change_eur": plan.funding_after as i64 - plan.funding_before as i64,
            "by_departement": plan.by_departement.iter().map(|d| json!({
                "departement": d.departement,
                "before_eur": d.before,
                "after_eur": d.after,
                "change_eur": d.after as i64 - d.before as i64,
            })).collect::<Vec<_>>(),
        },
    })
}

/// One row per extension option, candidate and overlap ruling.
fn write_csv(
    path: &Path,
    plan: &Plan,
    inputs: &Inputs,
    analysis: &Analysis,
) -> std::io::Result<()> {
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_path(path)?;
    out.write_record(COLUMNS)?;
    let change = |c: &Change| -> [String; 7] {
        [
            c.population_before.to_string(),
            c.population_after.to_string(),
            c.tier_before.number().to_string(),
            c.tier_after.number().to_string(),
            c.funding_before.to_string(),
            c.funding_after.to_string(),
            (i64::from(c.funding_after) - i64::from(c.funding_before)).to_string(),
        ]
    };
    for z in &plan.zones {
        for (rank, e) in z.extensions.iter().enumerate() {
            let c = &inputs.cpts[e.cpts];
            let head = [
                "extension".to_string(),
                zone_id(z.zone),
                (rank + 1).to_string(),
                c.id.clone(),
                c.nom.clone(),
                (e.shared_border_m / 1e3).to_string(),
            ];
            out.write_record(head.iter().chain(&change(&e.change)))?;
        }
        if !(z.extensions.is_empty() && z.candidates.is_empty()) {
            continue;
        }
        match &z.nearest {
            Some(n) => {
                let c = &inputs.cpts[n.cpts];
                let head = [
                    "nearest".to_string(),
                    zone_id(z.zone),
                    String::new(),
                    c.id.clone(),
                    c.nom.clone(),
                    String::new(),
                ];
                out.write_record(head.iter().chain(&change(&n.change)))?;
            }
            None => {
                let mut row = vec![String::new(); COLUMNS.len()];
                row[0] = "none".into();
                row[1] = zone_id(z.zone);
                row[7] = analysis.white.zones[z.zone].population.to_string();
                out.write_record(&row)?;
            }
        }
    }
    for c in &plan.candidates {
        let tier = c.tier.number().to_string();
        out.write_record([
            "new_cpts".to_string(),
            zone_id(c.zone),
            String::new(),
            c.id.clone(),
            String::new(),
            String::new(),
            "0".into(),
            c.population.to_string(),
            String::new(),
            tier,
            "0".into(),
            c.funding_max.to_string(),
            c.funding_max.to_string(),
        ])?;
    }
    for r in &plan.rulings {
        let c = &inputs.cpts[r.leaver];
        let head = [
            "overlap_left".to_string(),
            String::new(),
            String::new(),
            c.id.clone(),
            c.nom.clone(),
            String::new(),
        ];
        out.write_record(head.iter().chain(&change(&r.leaver_change)))?;
    }
    out.flush()
}

/// The territories proposed: each white zone with its first extension, and each
/// candidate new CPTS (the union of its communes), in WGS84.
fn proposal_features(plan: &Plan, inputs: &Inputs, analysis: &Analysis) -> Result<Vec<Vec<u8>>> {
    let white = &analysis.white.zones;
    let extensions = plan.zones.par_iter().filter_map(|z| {
        let w = &white[z.zone];
        let (kind, k, change) = match (z.extensions.first(), &z.nearest) {
            _ if !z.candidates.is_empty() => return None,
            (Some(first), _) => ("extension", first.cpts, &first.change),
            (None, Some(n)) => ("nearest", n.cpts, &n.change),
            (None, None) => return None,
        };
        let c = &inputs.cpts[k];
        let props = with(
            json!({"kind": kind, "white_zone": zone_id(z.zone), "cpts": c.id, "nom": c.nom}),
            change_json(change),
        );
        Some((props, w.zone, MultiPolygon::new(vec![w.shape.clone()])))
    });
    let candidates = plan.candidates.par_iter().map(|c| {
        let zone = white[c.zone].zone;
        let grid = &analysis.grids[zone.index()];
        let shapes: Vec<MultiPolygon<f64>> = c
            .communes
            .iter()
            .filter_map(|&u| crate::projection::to_projected(zone, &inputs.units[u].geometry).ok())
            .map(|s| grid.snap(&s))
            .collect();
        let props = json!({"kind": "new_cpts", "white_zone": zone_id(c.zone), "cpts": c.id,
            "nom": format!("Nouvelle CPTS {}", c.id), "population_after": c.population,
            "tier_after": c.tier.number(), "funding_after_eur": c.funding_max,
            "communes": c.communes.iter().map(|&u| inputs.units[u].code.to_string()).collect::<Vec<_>>().join(",")});
        (props, zone, grid.union(&shapes))
    });
    let all: Vec<(Value, crate::projection::Zone, MultiPolygon<f64>)> =
        extensions.chain(candidates).collect();
    all.into_par_iter()
        .map(|(props, zone, shape)| {
            let shape = to_wgs84(zone, &shape).map_err(|e| e.about(|| "a proposal".to_string()))?;
            let properties: Map<String, Value> = props.as_object().cloned().unwrap_or_default();
            Ok(feature(&properties, &shape))
        })
        .collect::<std::result::Result<Vec<_>, Error>>()
}

/// The perimeters after the plan, in the form of the input: a GeoJSON perimeter layer
/// (`id`, `nom`, `statut`) or a membership table (`cpts_id;cpts_nom;statut;code_insee`).
pub fn applied_bytes(applied: &Applied, inputs: &Inputs) -> std::io::Result<Vec<u8>> {
    match applied {
        Applied::Polygons(cpts) => {
            let features: Vec<Vec<u8>> = cpts
                .par_iter()
                .map(|(c, shape)| {
                    let properties = json!({"id": c.id, "nom": c.nom, "statut": c.statut.as_str()});
                    feature(properties.as_object().unwrap_or(&Map::new()), shape)
                })
                .collect();
            Ok(collection(&features))
        }
        Applied::Lists(cpts) => {
            let mut out = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new());
            out.write_record(["cpts_id", "cpts_nom", "statut", "code_insee"])?;
            for (c, units) in cpts {
                for &u in units {
                    out.write_record([
                        &c.id,
                        &c.nom,
                        c.statut.as_str(),
                        inputs.units[u].code.as_str(),
                    ])?;
                }
            }
            out.into_inner().map_err(|e| e.into_error())
        }
    }
}

/// White zones and départements listed in `plan.md`, most people or money first.
const SHOWN: usize = 15;

/// `plan.md`: the plan as a section of a report, in French.
pub fn plan_markdown(plan: &Plan, inputs: &Inputs, analysis: &Analysis) -> String {
    let fr = Lang::Fr;
    let cpts = &inputs.cpts;
    let white = &analysis.white.zones;
    let mut md = String::from("## Plan 100 % CPTS\n\n");
    let count = |proposal: fn(&crate::plan::ZonePlan) -> bool| {
        plan.zones.iter().filter(|z| proposal(z)).count()
    };
    let _ = writeln!(
        md,
        "{} zones blanches : {} à couvrir par {} nouvelles CPTS (zones de {} habitants ou plus), \
         {} par l'extension d'une CPTS voisine, {} par la CPTS la plus proche (aucune CPTS limitrophe), {} sans CPTS dans leur zone.\n",
        plan.zones.len(),
        count(|z| !z.candidates.is_empty()),
        plan.candidates.len(),
        fr.people(plan.options.new_cpts_min),
        count(|z| z.candidates.is_empty() && !z.extensions.is_empty()),
        count(|z| z.candidates.is_empty() && z.extensions.is_empty() && z.nearest.is_some()),
        count(|z| z.candidates.is_empty() && z.extensions.is_empty() && z.nearest.is_none()),
    );
    md.push_str("| zone | habitants | proposition | CPTS | habitants après | taille | financement max. |\n|---|---|---|---|---|---|---|\n");
    for z in plan.zones.iter().take(SHOWN) {
        let w = &white[z.zone];
        let row = |what: &str, who: String, people: f64, tiers: String, money: String| {
            format!(
                "| {} | {} | {what} | {who} | {} | {tiers} | {money} |\n",
                zone_id(z.zone),
                fr.people(w.population),
                fr.people(people)
            )
        };
        let changed = |c: &Change| {
            (
                format!("{} → {}", c.tier_before.number(), c.tier_after.number()),
                format!(
                    "{} → {}",
                    fr.euros(c.funding_before),
                    fr.euros(c.funding_after)
                ),
            )
        };
        for &k in &z.candidates {
            let c = &plan.candidates[k];
            md.push_str(&row(
                "nouvelle CPTS",
                format!("{} ({} communes)", c.id, c.communes.len()),
                c.population,
                c.tier.number().to_string(),
                fr.euros(c.funding_max),
            ));
        }
        let taker = match (z.extensions.first(), &z.nearest) {
            _ if !z.candidates.is_empty() => None,
            (Some(e), _) => Some(("extension", e.cpts, &e.change)),
            (None, Some(n)) => Some(("CPTS la plus proche", n.cpts, &n.change)),
            (None, None) => None,
        };
        if let Some((what, k, change)) = taker {
            let (tiers, money) = changed(change);
            md.push_str(&row(
                what,
                cell(&cpts[k].nom),
                change.population_after,
                tiers,
                money,
            ));
        }
    }
    if plan.zones.len() > SHOWN {
        let _ = writeln!(
            md,
            "\n… et {} autres zones (plan.csv).",
            plan.zones.len() - SHOWN
        );
    }
    if !plan.rulings.is_empty() {
        md.push_str("\n### Chevauchements\n\nLe territoire disputé reste à la CPTS qui compte le plus d'habitants dans les communes touchées.\n\n| CPTS qui garde | CPTS qui cède | habitants cédés | taille de celle qui cède |\n|---|---|---|---|\n");
        for r in &plan.rulings {
            let o = &analysis.overlaps[r.overlap];
            let c = &r.leaver_change;
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} → {} |",
                cell(&cpts[r.keeper].nom),
                cell(&cpts[r.leaver].nom),
                fr.people(o.population),
                c.tier_before.number(),
                c.tier_after.number()
            );
        }
    }
    let _ = writeln!(
        md,
        "\n### Financement ACI maximal\n\n{} CPTS sous {} habitants (critère régional).\n\n| | aujourd'hui | plan accepté | écart |\n|---|---|---|---|\n| France | {} | {} | {} |",
        plan.small_cpts.len(),
        fr.people(plan.options.regional_min),
        euros(plan.funding_before),
        euros(plan.funding_after),
        euros_change(plan.funding_before, plan.funding_after),
    );
    let mut departements: Vec<_> = plan.by_departement.iter().collect();
    departements.sort_by_key(|d| std::cmp::Reverse(d.after.abs_diff(d.before)));
    for d in departements
        .iter()
        .take(SHOWN)
        .filter(|d| d.after != d.before)
    {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            labelled(&d.departement, departement_name(&d.departement)),
            euros(d.before),
            euros(d.after),
            euros_change(d.before, d.after)
        );
    }
    md
}

fn euros(amount: u64) -> String {
    Lang::Fr.euros(amount)
}

fn euros_change(before: u64, after: u64) -> String {
    let sign = if after >= before { "+" } else { "−" };
    format!("{sign}{}", euros(after.abs_diff(before)))
}
