//! The outputs of `cpts plan`: `plan.json` (every proposal), `plan.csv` (a row per
//! proposal), `proposals.geojson` (the territories proposed, ready to style in QGIS)
//! and `plan.md` (the plan as a report section), written all at once.

use crate::analysis::Analysis;
use crate::error::{Error, Result};
use crate::geometry::projection::to_wgs84;
use crate::load::inputs::Inputs;
use crate::model::territories::{departement_name, labelled};
use crate::model::Cpts;
use crate::read::ght::Ght;
use crate::report::numbers::Lang;
use crate::report::section::{cpts_label, Block, Section, Table};
use crate::verbs::plan::apply::Applied;
use crate::verbs::plan::parts::ZonePart;
use crate::verbs::plan::small::{SmallCpts, SmallProposal};
use crate::verbs::plan::{
    Candidate, Change, Crossing, Extension, MultiGht, Nearest, OverlapRuling, Plan, ZonePlan,
};
use crate::write::geojson::{collection, feature, write_features};
use crate::write::layers::{MapFeature, Properties};
use crate::write::style::style;
use crate::write::tables::{CsvTable, Kind};
use geo::MultiPolygon;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

/// The files `plan` writes.
pub const PLAN_FILES: [&str; 6] = [
    "plan.json",
    "plan.csv",
    "plan.csvt",
    "proposals.geojson",
    "proposals.qml",
    "plan.md",
];

/// Version of the shape of `plan.json`.
pub const PLAN_SCHEMA_VERSION: u32 = 5;

/// Columns of `plan.csv`, with their types.
const COLUMNS: [(&str, Kind); 16] = [
    ("kind", Kind::Text),
    ("white_zone", Kind::Text),
    ("rank", Kind::Integer),
    ("cpts", Kind::Text),
    ("nom", Kind::Text),
    ("shared_border_km", Kind::Real),
    ("population_before", Kind::Real),
    ("population_after", Kind::Real),
    ("tier_before", Kind::Integer),
    ("tier_after", Kind::Integer),
    ("funding_before_eur", Kind::Integer),
    ("funding_after_eur", Kind::Integer),
    ("funding_change_eur", Kind::Integer),
    ("funding_missions_before_eur", Kind::Integer),
    ("funding_missions_after_eur", Kind::Integer),
    ("communes", Kind::Text),
];

/// The outputs of a plan, made before anything is written: its files, and its
/// sections of `report.md` and `report.html`.
#[derive(Debug)]
pub struct PlanFiles {
    json: String,
    csv: CsvTable,
    markdown: String,
    /// The territories proposed, WGS84: the features of `proposals.geojson`, which the
    /// report's plan maps draw.
    pub proposals: Vec<MapFeature<'static>>,
    /// The white zones no proposal covers, by id.
    pub left: Vec<String>,
    /// The section of `report.html`, in its language.
    pub section: Section,
    /// The short section of `report.md`.
    pub digest: String,
}

impl PlanFiles {
    /// The outputs of `plan`, to go in `out`; `lang` is the language of the
    /// `report.html` section.
    pub fn new(
        out: &Path,
        plan: &Plan,
        inputs: &Inputs,
        analysis: &Analysis,
        ght: &[Ght],
        lang: Lang,
    ) -> Result<PlanFiles> {
        let failed = |file: &str, message: String| Error::Output {
            path: out.join(file),
            message,
            fix: "check the machine has memory to spare".into(),
        };
        let mut json = serde_json::to_string_pretty(&plan_json(plan, inputs, analysis, ght))
            .map_err(|e| failed("plan.json", e.to_string()))?;
        json.push('\n');
        Ok(PlanFiles {
            json,
            csv: plan_csv(plan, inputs),
            markdown: plan_section(plan, inputs, analysis, Lang::Fr).markdown(),
            proposals: proposal_features(plan, inputs, analysis)?,
            left: plan
                .zones
                .iter()
                .filter(|z| proposal_kind(z) == "none")
                .map(|z| z.part.id())
                .collect(),
            section: plan_section(plan, inputs, analysis, lang),
            digest: plan_digest(plan),
        })
    }

    /// The table of `plan.csv`.
    pub fn table(&self) -> &CsvTable {
        &self.csv
    }

    /// Writes [`PLAN_FILES`] into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::write(dir.join("plan.json"), &self.json)?;
        self.csv.write(dir, "plan.csv")?;
        std::fs::write(dir.join("plan.md"), &self.markdown)?;
        if let Some(style) = style("proposals") {
            std::fs::write(dir.join("proposals.qml"), style.qml())?;
        }
        write_features(&dir.join("proposals.geojson"), &self.proposals)
    }
}

/// A CPTS's population, tier and funding before and after a change.
fn change_json(c: &Change) -> Value {
    json!({
        "population_before": c.population_before,
        "population_after": c.population_after,
        "tier_before": c.tier_before.number(),
        "tier_after": c.tier_after.number(),
        "funding_before_eur": c.funding_before,
        "funding_after_eur": c.funding_after,
        "funding_change_eur": i64::from(c.funding_after) - i64::from(c.funding_before),
        "funding_missions_before_eur": c.missions_before,
        "funding_missions_after_eur": c.missions_after,
    })
}

/// Joins two JSON objects.
fn with(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// `plan.json`: the rules applied, every proposal and ruling, and the funding now and
/// with the plan accepted.
fn plan_json(plan: &Plan, inputs: &Inputs, analysis: &Analysis, ght: &[Ght]) -> Value {
    let cpts = &inputs.cpts;
    json!({
        "schema_version": PLAN_SCHEMA_VERSION,
        "rules": rules_json(plan, inputs),
        "white_zones": plan.zones.iter().map(|z| white_zone_json(z, plan, inputs, analysis)).collect::<Vec<_>>(),
        "candidates": plan.candidates.iter().map(|c| candidate_json(c, plan, inputs)).collect::<Vec<_>>(),
        "overlaps": plan.rulings.iter().map(|r| ruling_json(r, cpts, analysis)).collect::<Vec<_>>(),
        "small_cpts": plan.small_cpts.iter().map(|s| small_json(s, cpts, analysis)).collect::<Vec<_>>(),
        "changed_cpts": plan.changed.iter().map(|(k, change)| with(json!({
            "cpts": cpts[*k].id,
            "nom": cpts[*k].nom,
        }), change_json(change))).collect::<Vec<_>>(),
        "multi_ght": plan.multi_ght.iter().map(|m| multi_ght_json(m, cpts, ght)).collect::<Vec<_>>(),
        "funding": funding_json(plan),
    })
}

/// The thresholds the plan was made with, and how it ranks extensions and rules
/// overlaps.
fn rules_json(plan: &Plan, inputs: &Inputs) -> Value {
    let options = &plan.options;
    json!({
        "order": match inputs.access {
            None => "white zones (a zone across a region border: its part in each region) by population, most populous first",
            Some(_) => "white zones (a zone across a region border: its part in each region) most urgent first: those with most of their population in ZIP, then by population under the APL threshold, then by population",
        },
        "new_cpts_min": options.new_cpts_min,
        "max_population": options.max_population,
        "min_border_m": options.min_border_m,
        "regional_min": options.regional_min,
        "extension_rank": match options.cross_departements {
            false => "CPTS holding communes of the white zone's départements first, then longest border shared with the white zone, then CPTS id",
            true => "longest border shared with the white zone first, then CPTS id",
        },
        "regions": match options.cross_regions {
            false => "no extension crosses a region border: a CPTS holding no commune of the white zone's regions is not proposed (--cross-regions lifts it)",
            true => "extensions may cross region borders (--cross-regions); each says which border it crosses (crosses)",
        },
        "candidates": match plan.epci_known {
            true => "a white zone above the maximum population is cut into contiguous groups of whole EPCI where it holds whole EPCI, of communes elsewhere",
            false => "a white zone above the maximum population is cut into contiguous groups of communes (the communes layer gives no EPCI: --epci-field)",
        },
        "overlap_keeper": "the CPTS holding more inhabitants in the communes of the contested territory (the overlaps sharing a commune); if equal, the longer border with those communes; then the lower id",
    })
}

/// A CPTS under the regional minimum and what is proposed for it: the white zones the
/// plan gives it, a merger (the two operation lines replaced by one), or why nothing
/// fits.
fn small_json(s: &SmallCpts, cpts: &[Cpts], analysis: &Analysis) -> Value {
    let head = json!({
        "id": cpts[s.cpts].id,
        "nom": cpts[s.cpts].nom,
        "population": analysis.cpts_population[s.cpts],
    });
    let proposal = match &s.proposal {
        SmallProposal::Grown(change) => {
            with(json!({"proposal": "white_zones"}), change_json(change))
        }
        SmallProposal::Merger(m) => json!({
            "proposal": "merger",
            "with": cpts[m.with].id,
            "with_nom": cpts[m.with].nom,
            "shared_border_km": m.shared_border_m / 1e3,
            "crosses": m.crossing.as_str(),
            "population_before": m.population,
            "with_population_before": m.with_population,
            "population_after": m.merged_population,
            "tier_after": m.tier.number(),
            "funding_before_eur": m.funding_before,
            "funding_after_eur": m.funding_after,
            "funding_change_eur": i64::from(m.funding_after) - i64::from(m.funding_before),
        }),
        SmallProposal::Unsolved(why) => json!({"proposal": "none", "reason": why.as_str()}),
    };
    with(head, proposal)
}

/// What is proposed for a white zone: new CPTS, else an extension, else the nearest
/// CPTS, else nothing.
fn proposal_kind(z: &ZonePlan) -> &'static str {
    match (z.candidates.is_empty(), z.extensions.is_empty(), &z.nearest) {
        (false, _, _) => "new_cpts",
        (true, false, _) => "extension",
        (true, true, Some(_)) => "nearest",
        (true, true, None) => "none",
    }
}

/// A white zone, its figures and every proposal for it.
fn white_zone_json(z: &ZonePlan, plan: &Plan, inputs: &Inputs, analysis: &Analysis) -> Value {
    let part = &z.part;
    let cpts = &inputs.cpts;
    let need = inputs.access.as_ref().map(|access| {
        let zone = &analysis.white.zones[part.zone];
        let need = access.need(&inputs.units, &zone.shares);
        json!({
            "population_below_threshold": access.indicator.as_ref().map(|_| need.below_threshold),
            "in_zip": access.zoning_source.as_ref().map(|_| need.in_zip()),
        })
    });
    let entry = json!({
        "id": part.id(),
        "white_zone": part.zone_id(),
        "region": part.region,
        "population": part.population,
        "area_km2": part.area_m2 / 1e6,
        "departements": part.departements,
        "proposal": proposal_kind(z),
        "extensions": z.extensions.iter().map(|e| extension_json(e, cpts)).collect::<Vec<_>>(),
        "candidates": z.candidates.iter().map(|&c| &plan.candidates[c].id).collect::<Vec<_>>(),
        "nearest": z.nearest.as_ref().map(|n| nearest_json(n, cpts)),
    });
    match need {
        Some(need) => with(entry, need),
        None => entry,
    }
}

/// A neighbouring CPTS that could take a white zone in, and what that changes for it.
fn extension_json(e: &Extension, cpts: &[Cpts]) -> Value {
    with(
        json!({
            "cpts": cpts[e.cpts].id,
            "nom": cpts[e.cpts].nom,
            "statut": cpts[e.cpts].statut.as_str(),
            "shared_border_km": e.shared_border_m / 1e3,
            "crosses": e.crossing.as_str(),
        }),
        change_json(&e.change),
    )
}

/// The nearest CPTS to a white zone no CPTS borders, and what taking it in changes.
fn nearest_json(n: &Nearest, cpts: &[Cpts]) -> Value {
    with(
        json!({
            "cpts": cpts[n.cpts].id,
            "nom": cpts[n.cpts].nom,
            "distance_km": n.distance_m / 1e3,
        }),
        change_json(&n.change),
    )
}

/// A candidate new CPTS and the codes of its communes.
fn candidate_json(c: &Candidate, plan: &Plan, inputs: &Inputs) -> Value {
    json!({
        "id": c.id,
        "nom": candidate_name(c, inputs),
        "white_zone": plan.zones[c.part].part.id(),
        "epci": c.epci,
        "whole_epci": c.whole_epci,
        "pieces": c.pieces,
        "population": c.population,
        "tier": c.tier.number(),
        "funding_max_eur": c.funding_max,
        "communes": c.communes.iter().map(|&u| inputs.units[u].code.to_string()).collect::<Vec<_>>(),
    })
}

/// A candidate's name, after its most populous commune: `CPTS de Vendôme (proposée)`.
fn candidate_name(c: &Candidate, inputs: &Inputs) -> String {
    most_populous(&c.communes, inputs).map_or_else(
        || c.id.clone(),
        |u| format!("CPTS {} (proposée)", of_place(&inputs.units[u].nom)),
    )
}

/// `de Vendôme`, `d'Auxonne`, `du Mans`, `des Sables-d'Olonne`: a place after "de".
fn of_place(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        return format!("du {rest}");
    }
    if let Some(rest) = name.strip_prefix("Les ") {
        return format!("des {rest}");
    }
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊÎÔÂaeiouyéèêîôâ".contains(c));
    match vowel {
        true => format!("d'{name}"),
        false => format!("de {name}"),
    }
}

/// The most populous of `units` (of equal ones, the first).
fn most_populous(units: &[usize], inputs: &Inputs) -> Option<usize> {
    let all = &inputs.units;
    units.iter().copied().max_by(|&a, &b| {
        all[a]
            .population
            .total_cmp(&all[b].population)
            .then(b.cmp(&a))
    })
}

/// The codes of `units`, comma-separated.
fn unit_codes(units: &[usize], inputs: &Inputs) -> String {
    units
        .iter()
        .map(|&u| inputs.units[u].code.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// An overlap and its ruling: the CPTS keeping the contested territory, and what the
/// one giving it up loses.
fn ruling_json(r: &OverlapRuling, cpts: &[Cpts], analysis: &Analysis) -> Value {
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
            "keeper_border_km": r.keeper_border_m / 1e3,
            "leaver_border_km": r.leaver_border_m / 1e3,
        }),
        json!({ "leaver_change": change_json(&r.leaver_change) }),
    )
}

/// A CPTS spread over several GHT, with the share of its inhabitants in each.
fn multi_ght_json(m: &MultiGht, cpts: &[Cpts], ght: &[Ght]) -> Value {
    json!({
        "cpts": cpts[m.cpts].id,
        "nom": cpts[m.cpts].nom,
        "ght": m.shares.iter().map(|&(g, share)| json!({
            "code": ght[g].code, "nom": ght[g].nom, "population_share": share,
        })).collect::<Vec<_>>(),
    })
}

/// The maximum funding now and with the plan accepted, in all and by département.
fn funding_json(plan: &Plan) -> Value {
    json!({
        "before_eur": plan.funding_before,
        "after_eur": plan.funding_after,
        "change_eur": plan.funding_after as i64 - plan.funding_before as i64,
        "missions_before_eur": plan.missions_before,
        "missions_after_eur": plan.missions_after,
        "by_departement": plan.by_departement.iter().map(|d| json!({
            "departement": d.departement,
            "before_eur": d.before,
            "after_eur": d.after,
            "change_eur": d.after as i64 - d.before as i64,
        })).collect::<Vec<_>>(),
    })
}

/// `plan.csv`: one row per extension option, candidate and overlap ruling.
fn plan_csv(plan: &Plan, inputs: &Inputs) -> CsvTable {
    let mut rows: Vec<Vec<String>> = plan
        .zones
        .iter()
        .flat_map(|z| zone_records(z, inputs))
        .collect();
    rows.extend(
        plan.candidates
            .iter()
            .map(|c| candidate_record(c, plan, inputs).to_vec()),
    );
    rows.extend(plan.rulings.iter().map(|r| leaver_record(r, inputs)));
    CsvTable {
        columns: COLUMNS.to_vec(),
        rows,
    }
}

/// The rows of a white zone: its extension options by rank; when it has neither an
/// extension nor a candidate, the nearest CPTS or, failing one, a row saying so.
fn zone_records(z: &ZonePlan, inputs: &Inputs) -> Vec<Vec<String>> {
    let mut records: Vec<Vec<String>> = z
        .extensions
        .iter()
        .enumerate()
        .map(|(rank, e)| extension_record(&z.part, rank, e, inputs))
        .collect();
    let communes = unit_codes(&z.part.communes, inputs);
    if z.extensions.is_empty() && z.candidates.is_empty() {
        records.push(match &z.nearest {
            Some(n) => nearest_record(&z.part, n, inputs),
            None => unserved_record(&z.part),
        });
    }
    for record in &mut records {
        *record.last_mut().expect("a full row") = communes.clone();
    }
    records
}

/// The extension of the CPTS ranked `rank` (from 0) for white zone part `zone`.
fn extension_record(zone: &ZonePart, rank: usize, e: &Extension, inputs: &Inputs) -> Vec<String> {
    let c = &inputs.cpts[e.cpts];
    let head = [
        "extension".to_string(),
        zone.id(),
        (rank + 1).to_string(),
        c.id.clone(),
        c.nom.clone(),
        format!("{:.3}", e.shared_border_m / 1e3),
    ];
    with_change(head, &e.change)
}

/// The nearest CPTS taking in white zone part `zone`.
fn nearest_record(zone: &ZonePart, n: &Nearest, inputs: &Inputs) -> Vec<String> {
    let c = &inputs.cpts[n.cpts];
    let head = [
        "nearest".to_string(),
        zone.id(),
        String::new(),
        c.id.clone(),
        c.nom.clone(),
        String::new(),
    ];
    with_change(head, &n.change)
}

/// White zone part `zone`, which no CPTS can take in: only its population.
fn unserved_record(zone: &ZonePart) -> Vec<String> {
    let mut row = vec![String::new(); COLUMNS.len()];
    row[0] = "none".into();
    row[1] = zone.id();
    row[7] = format!("{:.0}", zone.population);
    row
}

/// A candidate new CPTS: from nothing to its population, tier and maximum funding.
fn candidate_record(c: &Candidate, plan: &Plan, inputs: &Inputs) -> [String; 16] {
    [
        "new_cpts".to_string(),
        plan.zones[c.part].part.id(),
        String::new(),
        c.id.clone(),
        candidate_name(c, inputs),
        String::new(),
        "0".into(),
        format!("{:.0}", c.population),
        String::new(),
        c.tier.number().to_string(),
        "0".into(),
        c.funding_max.to_string(),
        c.funding_max.to_string(),
        String::new(),
        String::new(),
        unit_codes(&c.communes, inputs),
    ]
}

/// The CPTS giving up an overlap, and what it loses.
fn leaver_record(r: &OverlapRuling, inputs: &Inputs) -> Vec<String> {
    let c = &inputs.cpts[r.leaver];
    let head = [
        "overlap_left".to_string(),
        String::new(),
        String::new(),
        c.id.clone(),
        c.nom.clone(),
        String::new(),
    ];
    with_change(head, &r.leaver_change)
}

/// A row of `plan.csv`: the six cells saying what is proposed, then the nine of the
/// change it brings to the CPTS (populations to the inhabitant), then its communes
/// (filled by the caller where there are some).
fn with_change(head: [String; 6], c: &Change) -> Vec<String> {
    let amount = |a: Option<u32>| a.map_or(String::new(), |a| a.to_string());
    let change = [
        format!("{:.0}", c.population_before),
        format!("{:.0}", c.population_after),
        c.tier_before.number().to_string(),
        c.tier_after.number().to_string(),
        c.funding_before.to_string(),
        c.funding_after.to_string(),
        (i64::from(c.funding_after) - i64::from(c.funding_before)).to_string(),
        amount(c.missions_before),
        amount(c.missions_after),
        String::new(),
    ];
    head.into_iter().chain(change).collect()
}

/// The territories proposed: each white zone with its first extension, and each
/// candidate new CPTS (the union of its communes), in WGS84.
fn proposal_features(
    plan: &Plan,
    inputs: &Inputs,
    analysis: &Analysis,
) -> Result<Vec<MapFeature<'static>>> {
    let extensions = plan.zones.par_iter().filter_map(|z| {
        let w = &z.part;
        let (kind, k, change) = match (z.extensions.first(), &z.nearest) {
            _ if !z.candidates.is_empty() => return None,
            (Some(first), _) => ("extension", first.cpts, &first.change),
            (None, Some(n)) => ("nearest", n.cpts, &n.change),
            (None, None) => return None,
        };
        let c = &inputs.cpts[k];
        let props = with(
            json!({"kind": kind, "white_zone": w.id(), "cpts": c.id, "nom": c.nom,
                "communes": unit_codes(&w.communes, inputs)}),
            change_json(change),
        );
        Some((props, w.projection, w.shape.clone()))
    });
    let candidates = plan.candidates.par_iter().map(|c| {
        let zone = plan.zones[c.part].part.projection;
        let grid = &analysis.grids[zone.index()];
        let shapes: Vec<MultiPolygon<f64>> = c
            .communes
            .iter()
            .filter_map(|&u| {
                crate::geometry::projection::to_projected(zone, &inputs.units[u].geometry).ok()
            })
            .map(|s| grid.snap(&s))
            .collect();
        let props = json!({"kind": "new_cpts", "white_zone": plan.zones[c.part].part.id(), "cpts": c.id,
            "nom": candidate_name(c, inputs), "population_after": c.population,
            "tier_after": c.tier.number(), "funding_after_eur": c.funding_max,
            "communes": unit_codes(&c.communes, inputs)});
        (props, zone, grid.union(&shapes))
    });
    let all: Vec<(Value, crate::geometry::projection::Zone, MultiPolygon<f64>)> =
        extensions.chain(candidates).collect();
    all.into_par_iter()
        .map(|(props, zone, shape)| {
            let shape = to_wgs84(zone, &shape).map_err(|e| e.about(|| "a proposal".to_string()))?;
            let properties: Map<String, Value> = props.as_object().cloned().unwrap_or_default();
            Ok(MapFeature {
                properties: Properties::Object(properties),
                geometry: Cow::Owned(shape),
            })
        })
        .collect()
}

/// The perimeters after the plan, in the form of the input: a GeoJSON perimeter layer
/// (`id`, `nom`, `statut`) or a membership table (`cpts_id;cpts_nom;statut;code_insee`),
/// with a `mission_…` column (oui/non) for each mission the input listed.
pub fn applied_bytes(applied: &Applied, inputs: &Inputs) -> std::io::Result<Vec<u8>> {
    let missions: BTreeSet<&String> = inputs
        .cpts
        .iter()
        .flat_map(|c| c.missions.iter().flat_map(|m| m.0.keys()))
        .collect();
    let signed = |c: &Cpts| -> Vec<(String, &'static str)> {
        missions
            .iter()
            .map(|&m| {
                let yes = c.missions.as_ref().is_some_and(|s| s.signed(m));
                (format!("mission_{m}"), if yes { "oui" } else { "non" })
            })
            .collect()
    };
    match applied {
        Applied::Polygons(cpts) => {
            let features: Vec<Vec<u8>> = cpts
                .par_iter()
                .map(|(c, shape)| {
                    let mut properties = Map::new();
                    properties.insert("id".into(), json!(c.id));
                    properties.insert("nom".into(), json!(c.nom));
                    properties.insert("statut".into(), json!(c.statut.as_str()));
                    for (column, value) in signed(c) {
                        properties.insert(column, json!(value));
                    }
                    feature(&properties, shape)
                })
                .collect();
            Ok(collection(&features))
        }
        Applied::Lists(cpts) => {
            let mut out = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new());
            let mut header: Vec<String> = ["cpts_id", "cpts_nom", "statut", "code_insee"]
                .map(String::from)
                .to_vec();
            header.extend(missions.iter().map(|m| format!("mission_{m}")));
            out.write_record(&header)?;
            for (c, units) in cpts {
                for &u in units {
                    let mut record: Vec<&str> = vec![
                        &c.id,
                        &c.nom,
                        c.statut.as_str(),
                        inputs.units[u].code.as_str(),
                    ];
                    let marks = signed(c);
                    record.extend(marks.iter().map(|(_, v)| *v));
                    out.write_record(&record)?;
                }
            }
            out.into_inner().map_err(|e| e.into_error())
        }
    }
}

/// White zones and départements listed in the plan section, most people or money first.
const SHOWN: usize = 15;

/// The words of the plan section.
struct Words {
    title: &'static str,
    zones: &'static str,
    inhabitants: &'static str,
    proposal: &'static str,
    after: &'static str,
    tier: &'static str,
    funding: &'static str,
    new_cpts: &'static str,
    communes: &'static str,
    extension: &'static str,
    nearest: &'static str,
    other_departement: &'static str,
    other_region: &'static str,
    /// Names the other zones a CPTS takes, its figures counting them all.
    also_takes: &'static str,
    /// Names the other zones a new CPTS covers.
    also_covers: &'static str,
    /// Points to the row holding a CPTS's figures.
    figures_with: &'static str,
    /// Says a CPTS's figures count the overlaps it gives up.
    gives_up: &'static str,
    more: &'static str,
    overlaps: &'static str,
    overlap_rule: &'static str,
    keeper: &'static str,
    leaver: &'static str,
    given_up: &'static str,
    leaver_tier: &'static str,
    funding_title: &'static str,
    small: &'static str,
    small_title: &'static str,
    small_rule: &'static str,
    merger: &'static str,
    grown: &'static str,
    no_proposal: &'static str,
    partner: &'static str,
    /// Why no merger fits, in the order of the cases of
    /// [`Unsolved`](crate::verbs::plan::small::Unsolved).
    reasons: [&'static str; 4],
    more_small: &'static str,
    now: &'static str,
    accepted: &'static str,
    change: &'static str,
    missions: &'static str,
}

const FR: Words = Words {
    title: "Plan 100 % CPTS",
    zones: "zone",
    inhabitants: "habitants",
    proposal: "proposition",
    after: "habitants après",
    tier: "taille",
    funding: "financement max.",
    new_cpts: "nouvelle CPTS",
    communes: "communes",
    extension: "extension",
    nearest: "CPTS la plus proche",
    other_departement: "autre département",
    other_region: "autre région",
    also_takes: "prend aussi",
    also_covers: "couvre aussi",
    figures_with: "chiffres avec",
    gives_up: "cède des chevauchements",
    more: "autres zones (plan.csv)",
    overlaps: "Chevauchements",
    overlap_rule: "Le territoire disputé reste à la CPTS qui compte le plus d'habitants dans ses communes ; à égalité, à celle qui partage la plus longue limite avec elles.",
    keeper: "CPTS qui garde",
    leaver: "CPTS qui cède",
    given_up: "habitants cédés",
    leaver_tier: "taille de celle qui cède",
    funding_title: "Financement ACI maximal",
    small: "CPTS sous {} habitants (critère régional).",
    small_title: "CPTS sous le critère régional",
    small_rule: "Chaque CPTS de moins de {} habitants : les zones blanches que le plan lui donne si elles suffisent, sinon la fusion avec une CPTS voisine de son département d'abord, puis de sa région (la plus longue limite commune) ; une fusion remplace deux financements de fonctionnement par un seul.",
    merger: "fusion",
    grown: "zones blanches du plan",
    no_proposal: "aucune",
    partner: "avec",
    reasons: [
        "périmètre au-delà des communes analysées : population incomplète",
        "aucune CPTS limitrophe (île)",
        "voisines d'une autre région seulement (--cross-regions)",
        "toute fusion dépasserait le maximum",
    ],
    more_small: "autres CPTS (plan.json)",
    now: "aujourd'hui",
    accepted: "plan accepté",
    change: "écart",
    missions: "missions signées",
};

const EN: Words = Words {
    title: "Plan 100 % CPTS",
    zones: "zone",
    inhabitants: "inhabitants",
    proposal: "proposal",
    after: "inhabitants after",
    tier: "tier",
    funding: "maximum funding",
    new_cpts: "new CPTS",
    communes: "communes",
    extension: "extension",
    nearest: "nearest CPTS",
    other_departement: "other département",
    other_region: "other region",
    also_takes: "also takes",
    also_covers: "also covers",
    figures_with: "figures with",
    gives_up: "gives up overlaps",
    more: "other zones (plan.csv)",
    overlaps: "Overlaps",
    overlap_rule: "The contested territory stays with the CPTS holding more inhabitants in its communes; if equal, with the one sharing the longer border with them.",
    keeper: "CPTS keeping it",
    leaver: "CPTS giving it up",
    given_up: "inhabitants given up",
    leaver_tier: "tier of the one giving up",
    funding_title: "Maximum ACI funding",
    small: "CPTS under {} inhabitants (regional criterion).",
    small_title: "CPTS under the regional criterion",
    small_rule: "Each CPTS under {} inhabitants: the white zones the plan gives it when they are enough, else a merger with a neighbouring CPTS of its département first, then of its region (the longest shared border); a merger replaces two operation fundings by one.",
    merger: "merger",
    grown: "white zones of the plan",
    no_proposal: "none",
    partner: "with",
    reasons: [
        "perimeter beyond the communes analysed: population incomplete",
        "no neighbouring CPTS (an island)",
        "neighbours of another region only (--cross-regions)",
        "any merger would exceed the maximum",
    ],
    more_small: "other CPTS (plan.json)",
    now: "now",
    accepted: "plan accepted",
    change: "change",
    missions: "signed missions",
};

/// The counts of the plan in one sentence.
fn counts(plan: &Plan, lang: Lang) -> String {
    let count = |proposal: fn(&ZonePlan) -> bool| plan.zones.iter().filter(|z| proposal(z)).count();
    let new = count(|z| !z.candidates.is_empty());
    let extended = count(|z| z.candidates.is_empty() && !z.extensions.is_empty());
    let nearest =
        count(|z| z.candidates.is_empty() && z.extensions.is_empty() && z.nearest.is_some());
    let alone =
        count(|z| z.candidates.is_empty() && z.extensions.is_empty() && z.nearest.is_none());
    let (zones, candidates, minimum) = (
        plan.zones.len(),
        plan.candidates.len(),
        lang.people(plan.options.new_cpts_min),
    );
    match lang {
        Lang::Fr => format!(
            "{} : {new} à couvrir par {} (zones de {minimum} habitants ou plus), \
             {extended} par l'extension d'une CPTS voisine, {nearest} par la CPTS la plus proche (aucune CPTS limitrophe), {alone} sans CPTS dans leur zone.",
            lang.count(zones, "zone blanche", "zones blanches"),
            lang.count(candidates, "nouvelle CPTS", "nouvelles CPTS"),
        ),
        Lang::En => format!(
            "{}: {new} to cover with {candidates} new CPTS (zones of {minimum} inhabitants or more), \
             {extended} by extending a neighbouring CPTS, {nearest} by the nearest CPTS (none adjacent), {alone} with no CPTS in their zone.",
            lang.count(zones, "white zone", "white zones"),
        ),
    }
}

/// The plan as a report section: the zones and what is proposed for each (first
/// 15), the overlaps ruled, the funding now and with the plan accepted.
pub fn plan_section(plan: &Plan, inputs: &Inputs, analysis: &Analysis, lang: Lang) -> Section {
    let draft = Draft {
        plan,
        inputs,
        analysis,
        lang,
        w: match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        },
    };
    let mut blocks = vec![Block::Text(counts(plan, lang))];
    blocks.extend(draft.proposals());
    blocks.extend(draft.rulings());
    blocks.extend(draft.small());
    blocks.extend(draft.funding());
    Section {
        id: "plan",
        title: draft.w.title.into(),
        blocks,
    }
}

/// The plan section being written: the plan, what it was made from, and the words of
/// its language.
struct Draft<'a> {
    plan: &'a Plan,
    inputs: &'a Inputs,
    analysis: &'a Analysis,
    lang: Lang,
    w: &'static Words,
}

impl Draft<'_> {
    /// The first [`SHOWN`] white zones and what is proposed for each, then how many
    /// more `plan.csv` lists.
    fn proposals(&self) -> Vec<Block> {
        let (plan, w) = (self.plan, self.w);
        let rows = plan
            .zones
            .iter()
            .take(SHOWN)
            .flat_map(|z| self.zone_rows(z))
            .collect();
        let header = [
            w.zones,
            w.inhabitants,
            w.proposal,
            "CPTS",
            w.after,
            w.tier,
            w.funding,
        ];
        shown(header, rows, plan.zones.len(), w.more)
    }

    /// The rows of white zone `z`: each new CPTS proposed in it, then the CPTS
    /// proposed to take it in.
    fn zone_rows(&self, z: &ZonePlan) -> Vec<Vec<String>> {
        let zone = [
            self.zone_label(&z.part),
            self.lang.people(z.part.population),
        ];
        z.candidates
            .iter()
            .map(|&k| self.candidate_cells(k, z))
            .chain(self.taker_cells(z))
            .map(|cells| zone.iter().cloned().chain(cells).collect())
            .collect()
    }

    /// A white zone as a row names it: its id, départements and most populous commune
    /// (`ZB-0001, 06 Mandelieu-la-Napoule`).
    fn zone_label(&self, w: &ZonePart) -> String {
        let main = most_populous(&w.communes, self.inputs)
            .map_or(String::new(), |u| format!(" {}", self.inputs.units[u].nom));
        format!("{}, {}{main}", w.id(), w.departements.join("/"))
    }

    /// New CPTS `k` in the row of zone `z`: the proposal, its name and communes,
    /// inhabitants, tier and maximum funding, and the other zones it covers. A zone
    /// joining the new CPTS of an earlier zone points to that zone's row instead.
    fn candidate_cells(&self, k: usize, z: &ZonePlan) -> [String; 5] {
        let (c, w) = (&self.plan.candidates[k], self.w);
        let name = format!(
            "{} {} ({})",
            c.id,
            match self.lang {
                Lang::Fr => candidate_name(c, self.inputs),
                Lang::En => candidate_name(c, self.inputs).replace(" (proposée)", " (proposed)"),
            },
            self.lang.count(c.communes.len(), "commune", w.communes)
        );
        let home = &self.plan.zones[c.part].part;
        if home.id() != z.part.id() {
            let see = format!("{name} ({} {})", w.figures_with, home.id());
            return [
                w.new_cpts.to_string(),
                see,
                String::new(),
                String::new(),
                String::new(),
            ];
        }
        let joined: Vec<String> = self
            .plan
            .zones
            .iter()
            .filter(|o| o.part.id() != home.id() && o.candidates.contains(&k))
            .map(|o| o.part.id())
            .collect();
        let name = match joined.is_empty() {
            true => name,
            false => format!("{name} ({} {})", w.also_covers, joined.join(", ")),
        };
        [
            w.new_cpts.to_string(),
            name,
            self.lang.people(c.population),
            c.tier.number().to_string(),
            self.lang.euros(c.funding_max),
        ]
    }

    /// The border a proposal crosses, in the reader's words; none for none.
    fn crossed(&self, crossing: Crossing) -> Option<&'static str> {
        match crossing {
            Crossing::None => None,
            Crossing::Departement => Some(self.w.other_departement),
            Crossing::Region => Some(self.w.other_region),
        }
    }

    /// The CPTS proposed to take in `z` (its first extension, else the nearest): the
    /// proposal, its name, inhabitants, tier and funding before → after the whole plan
    /// (as [`Plan::changed`] has them: every zone it takes, every overlap it gives up,
    /// which its name then says). A CPTS taking several zones has its figures once, on
    /// the row of its first zone, which names the others; its other rows point to that
    /// one. `None` when a new CPTS is proposed or no CPTS can take the zone.
    fn taker_cells(&self, z: &ZonePlan) -> Option<[String; 5]> {
        let k = z.taker()?;
        let (what, change, crossing) = match (z.extensions.first(), &z.nearest) {
            (Some(e), _) => (self.w.extension, &e.change, e.crossing),
            (None, Some(n)) => (self.w.nearest, &n.change, Crossing::None),
            (None, None) => return None,
        };
        let (plan, w) = (self.plan, self.w);
        let mut notes: Vec<String> = self
            .crossed(crossing)
            .map(String::from)
            .into_iter()
            .collect();
        let taken: Vec<String> = plan
            .zones
            .iter()
            .filter(|o| o.taker() == Some(k))
            .map(|o| o.part.id())
            .collect();
        let (first, others) = taken.split_first()?;
        if *first != z.part.id() {
            notes.push(format!("{} {first}", w.figures_with));
            let see = format!("{} ({})", self.taker_label(k), notes.join(self.separator()));
            return Some([
                what.to_string(),
                see,
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        if !others.is_empty() {
            notes.push(format!("{} {}", w.also_takes, others.join(", ")));
        }
        if plan.rulings.iter().any(|r| r.leaver == k) {
            notes.push(w.gives_up.to_string());
        }
        let nom = match notes.is_empty() {
            true => self.taker_label(k),
            false => format!("{} ({})", self.taker_label(k), notes.join(self.separator())),
        };
        let after = plan
            .changed
            .iter()
            .find(|(c, _)| *c == k)
            .map_or(change, |(_, c)| c);
        Some(change_cells(self.lang, what, nom, after))
    }

    /// Between the notes of a cell: ` ; ` in French, `; ` in English.
    fn separator(&self) -> &'static str {
        match self.lang {
            Lang::Fr => " ; ",
            Lang::En => "; ",
        }
    }

    /// CPTS `k` as the rows name it: its id, then its name.
    fn taker_label(&self, k: usize) -> String {
        let c = &self.inputs.cpts[k];
        cpts_label(&c.id, &c.nom)
    }

    /// The overlaps ruled: the rule, then who keeps and who gives up each contested
    /// territory. Nothing when no overlap was ruled.
    fn rulings(&self) -> Vec<Block> {
        let (plan, w) = (self.plan, self.w);
        if plan.rulings.is_empty() {
            return Vec::new();
        }
        let cpts = &self.inputs.cpts;
        let rows = plan
            .rulings
            .iter()
            .map(|r| {
                let c = &r.leaver_change;
                vec![
                    cpts_label(&cpts[r.keeper].id, &cpts[r.keeper].nom),
                    cpts_label(&cpts[r.leaver].id, &cpts[r.leaver].nom),
                    self.lang
                        .people(self.analysis.overlaps[r.overlap].population),
                    format!("{} → {}", c.tier_before.number(), c.tier_after.number()),
                ]
            })
            .collect();
        vec![
            Block::Heading(w.overlaps.into()),
            Block::Text(w.overlap_rule.into()),
            Block::Table(Table {
                header: [w.keeper, w.leaver, w.given_up, w.leaver_tier]
                    .map(String::from)
                    .to_vec(),
                numeric: vec![false, false, true, false],
                rows,
            }),
        ]
    }

    /// The CPTS under the regional minimum (first [`SHOWN`]) and what is proposed for
    /// each. Nothing when there are none.
    fn small(&self) -> Vec<Block> {
        let (plan, w, lang) = (self.plan, self.w, self.lang);
        if plan.small_cpts.is_empty() {
            return Vec::new();
        }
        let cpts = &self.inputs.cpts;
        let rows = plan
            .small_cpts
            .iter()
            .take(SHOWN)
            .map(|s| {
                let head = [
                    cpts_label(&cpts[s.cpts].id, &cpts[s.cpts].nom),
                    lang.people(self.analysis.cpts_population[s.cpts]),
                ];
                let tail = match &s.proposal {
                    SmallProposal::Grown(c) => [
                        w.grown.to_string(),
                        String::new(),
                        lang.people(c.population_after),
                        format!("{} → {}", c.tier_before.number(), c.tier_after.number()),
                        format!(
                            "{} → {}",
                            lang.euros(c.funding_before),
                            lang.euros(c.funding_after)
                        ),
                    ],
                    SmallProposal::Merger(m) => [
                        w.merger.to_string(),
                        match self.crossed(m.crossing) {
                            Some(border) => format!(
                                "{} ({border})",
                                cpts_label(&cpts[m.with].id, &cpts[m.with].nom)
                            ),
                            None => cpts_label(&cpts[m.with].id, &cpts[m.with].nom),
                        },
                        lang.people(m.merged_population),
                        m.tier.number().to_string(),
                        format!(
                            "{} → {}",
                            lang.euros(m.funding_before),
                            lang.euros(m.funding_after)
                        ),
                    ],
                    SmallProposal::Unsolved(why) => [
                        w.no_proposal.to_string(),
                        w.reasons[*why as usize].to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                };
                head.into_iter().chain(tail).collect()
            })
            .collect();
        let mut blocks = vec![
            Block::Heading(w.small_title.into()),
            Block::Text(
                w.small_rule
                    .replace("{}", &lang.people(plan.options.regional_min)),
            ),
        ];
        let header = [
            "CPTS",
            w.inhabitants,
            w.proposal,
            w.partner,
            w.after,
            w.tier,
            w.funding,
        ];
        blocks.extend(shown(header, rows, plan.small_cpts.len(), w.more_small));
        blocks
    }

    /// The maximum funding: how many CPTS fall under the regional minimum, then the
    /// funding now and with the plan accepted.
    fn funding(&self) -> Vec<Block> {
        let (plan, w) = (self.plan, self.w);
        let small = w
            .small
            .replace("{}", &self.lang.people(plan.options.regional_min));
        vec![
            Block::Heading(w.funding_title.into()),
            Block::Text(format!("{} {}", plan.small_cpts.len(), small)),
            Block::Table(Table {
                header: ["", w.now, w.accepted, w.change].map(String::from).to_vec(),
                numeric: vec![false, true, true, true],
                rows: self.funding_rows(),
            }),
        ]
    }

    /// The territory (`France`, `Alpes-Maritimes`…), the same counting only the
    /// missions signed (when the perimeters say which), then the [`SHOWN`] départements
    /// whose funding changes most.
    fn funding_rows(&self) -> Vec<Vec<String>> {
        let (plan, w) = (self.plan, self.w);
        let scope = self.inputs.scope_label();
        let mut rows =
            vec![self.funding_row(scope.clone(), plan.funding_before, plan.funding_after)];
        if let (Some(before), Some(after)) = (plan.missions_before, plan.missions_after) {
            rows.push(self.funding_row(format!("{scope} ({})", w.missions), before, after));
        }
        let mut departements: Vec<_> = plan.by_departement.iter().collect();
        departements.sort_by_key(|d| std::cmp::Reverse(d.after.abs_diff(d.before)));
        rows.extend(
            departements
                .iter()
                .take(SHOWN)
                .filter(|d| d.after != d.before)
                .map(|d| {
                    self.funding_row(
                        labelled(&d.departement, departement_name(&d.departement)),
                        d.before,
                        d.after,
                    )
                }),
        );
        rows
    }

    /// `who`'s funding now, with the plan accepted, and the change.
    fn funding_row(&self, who: String, before: u64, after: u64) -> Vec<String> {
        vec![
            who,
            self.lang.euros(before),
            self.lang.euros(after),
            euros_change(self.lang, before, after),
        ]
    }
}

/// A table of the first [`SHOWN`] of `total` rows, under `header` (inhabitants, after
/// and funding in the second, fifth and seventh columns, figures), then how many
/// `more` the files list.
fn shown(header: [&str; 7], rows: Vec<Vec<String>>, total: usize, more: &str) -> Vec<Block> {
    let mut blocks = vec![Block::Table(Table {
        header: header.map(String::from).to_vec(),
        numeric: vec![false, true, false, false, true, false, true],
        rows,
    })];
    if total > SHOWN {
        blocks.push(Block::Text(format!("… {} {more}.", total - SHOWN)));
    }
    blocks
}

/// The plan in a few lines of French for `report.md`, which stays short: the counts,
/// the funding now and with the plan accepted, and where the rest is.
pub fn plan_digest(plan: &Plan) -> String {
    let fr = Lang::Fr;
    format!(
        "## Plan 100 % CPTS\n\n{}\n\n- {} ; {} CPTS sous {} habitants.\n- Financement ACI maximal : {} aujourd'hui, {} plan accepté ({}).\n\nDétail : `plan.md`, `plan.csv`, `proposals.geojson`.\n",
        counts(plan, fr),
        fr.count(plan.rulings.len(), "chevauchement attribué", "chevauchements attribués"),
        plan.small_cpts.len(),
        fr.people(plan.options.regional_min),
        fr.euros(plan.funding_before),
        fr.euros(plan.funding_after),
        euros_change(fr, plan.funding_before, plan.funding_after),
    )
}

/// A CPTS's row cells: the proposal, its name, inhabitants after, tier and funding
/// before → after.
fn change_cells(lang: Lang, what: &str, nom: String, change: &Change) -> [String; 5] {
    [
        what.to_string(),
        nom,
        lang.people(change.population_after),
        format!(
            "{} → {}",
            change.tier_before.number(),
            change.tier_after.number()
        ),
        format!(
            "{} → {}",
            lang.euros(change.funding_before),
            lang.euros(change.funding_after)
        ),
    ]
}

fn euros_change(lang: Lang, before: u64, after: u64) -> String {
    let sign = if after >= before { "+" } else { "−" };
    format!("{sign}{}", lang.euros(after.abs_diff(before)))
}
