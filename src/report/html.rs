//! `report.html`: the report a planner sends to their director. One self-contained file
//! (no network, no external script or font), French by default, readable on a laptop
//! and printable: headline figures, the national map with overseas insets, focus maps,
//! tables by region and département, overlaps, the CPTS with tier and funding, a tier
//! histogram, and where every figure comes from.

use crate::error::Result;
use crate::figures::summary::{Summary, Totals};
use crate::model::provenance::role_fr;
use crate::model::territories::{departement_name, labelled, region_name, Scope};
use crate::model::Status;
use crate::read::feature::crs_fr;
use crate::report::access::{access_section, apl_figure, ZONES_SHOWN};
use crate::report::ages::ages_section;
use crate::report::numbers::Lang;
use crate::report::plan::PlanFiles;
use crate::report::plan_map::PlanLayer;
use crate::report::section::{full_list_note, row_tag, unbroken};
use crate::report::svg_map::{focus_map, national_map};
use crate::write::layers::{Layers, MapFeature};
use crate::write::style::{
    status_colour, BORDER, COVERAGE_CLASSES, COVERAGE_LABELS, OVERLAP, STATUS_LABELS, WHITE_ZONE,
};
use crate::write::xml::escape;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A département or region to draw commune by commune (`--focus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    Departement(String),
    Region(String),
}

impl Focus {
    /// Reads `22`, `departement:53` or `region:53` against the codes of the communes
    /// layer; a bare code that is both a département and a region must say which.
    pub fn resolve(
        raw: &str,
        departements: &BTreeSet<String>,
        regions: &BTreeSet<String>,
    ) -> Result<Focus> {
        Ok(
            match Scope::resolve("--focus", raw, departements, regions)? {
                Scope::Departement(code) => Focus::Departement(code),
                Scope::Region(code) => Focus::Region(code),
            },
        )
    }

    fn keeps(&self, f: &MapFeature) -> bool {
        let (key, code) = match self {
            Focus::Departement(code) => ("departement", code),
            Focus::Region(code) => ("region", code),
        };
        f.properties.get(key).and_then(|v| v.as_str()) == Some(code.as_str())
    }

    /// The heading of the focus's map: `Département 22 Côtes-d'Armor`.
    fn title(&self, w: &Words) -> String {
        match self {
            Focus::Departement(code) => format!(
                "{} {}",
                w.focus_departement,
                labelled(code, departement_name(code))
            ),
            Focus::Region(code) => {
                format!("{} {}", w.focus_region, labelled(code, region_name(code)))
            }
        }
    }

    fn id(&self) -> String {
        match self {
            Focus::Departement(code) => format!("focus-departement-{code}"),
            Focus::Region(code) => format!("focus-region-{code}"),
        }
    }
}

/// The words of the report in one language.
struct Words {
    lang: &'static str,
    title: &'static str,
    /// The mode, polygons then membership.
    modes: [&'static str; 2],
    units: &'static str,
    population: &'static str,
    covered: &'static str,
    by_status_alone: &'static str,
    white_zones: &'static str,
    overlaps: &'static str,
    /// A zone, zones.
    zones: [&'static str; 2],
    /// A pair, pairs.
    pairs: [&'static str; 2],
    inhabitants: &'static str,
    map: &'static str,
    map_hint: &'static str,
    plan_map: &'static str,
    legend_classes: [&'static str; 5],
    legend_white: &'static str,
    legend_overlap: &'static str,
    legend_border: &'static str,
    focus_departement: &'static str,
    focus_region: &'static str,
    by_region: &'static str,
    by_departement: &'static str,
    region: &'static str,
    departement: &'static str,
    coverage: &'static str,
    in_white_zones: &'static str,
    area: &'static str,
    cpts_list: &'static str,
    name: &'static str,
    status: &'static str,
    tier: &'static str,
    funding: &'static str,
    partial: &'static str,
    total: &'static str,
    tiers: &'static str,
    provenance: &'static str,
    files: &'static str,
    population_source: &'static str,
    assumptions: &'static str,
    none: &'static str,
    version: &'static str,
    schema: &'static str,
    statuses: [&'static str; 3],
}

const FR: Words = Words {
    lang: "fr",
    title: "Couverture de la population par les CPTS",
    modes: [
        "Mode polygones (périmètres dessinés)",
        "Mode appartenance (les CPTS listent leurs communes)",
    ],
    units: "unités de population",
    population: "Population",
    covered: "Couverte par une CPTS",
    by_status_alone: "Couverte par les seules CPTS au statut",
    white_zones: "Zones blanches",
    overlaps: "Chevauchements",
    zones: ["zone", "zones"],
    pairs: ["paire", "paires"],
    inhabitants: "habitants",
    map: "Carte de la couverture",
    map_hint: "Molette pour zoomer, glisser pour déplacer, double-clic pour revenir.",
    plan_map: "Carte du plan",
    legend_classes: COVERAGE_LABELS,
    legend_white: "zone blanche",
    legend_overlap: "chevauchement",
    legend_border: "limite de CPTS",
    focus_departement: "Département",
    focus_region: "Région",
    by_region: "Régions, par population en zone blanche",
    by_departement: "Départements, par population en zone blanche",
    region: "région",
    departement: "département",
    coverage: "couverture",
    in_white_zones: "en zone blanche",
    area: "surface",
    cpts_list: "Les CPTS",
    name: "nom",
    status: "statut",
    tier: "taille",
    funding: "financement ACI maximal",
    partial: "partielle",
    total: "Total",
    tiers: "CPTS par taille",
    provenance: "Provenance",
    files: "Fichiers lus",
    population_source: "Population",
    assumptions: "Hypothèses",
    none: "aucune",
    version: "Produit par cpts-coverage",
    schema: "schéma de summary.json",
    statuses: STATUS_LABELS,
};

const EN: Words = Words {
    lang: "en",
    title: "Population covered by CPTS",
    modes: [
        "Polygon mode (perimeters drawn)",
        "Membership mode (the CPTS list their communes)",
    ],
    units: "population units",
    population: "Population",
    covered: "Covered by a CPTS",
    by_status_alone: "Covered by CPTS with status",
    white_zones: "White zones",
    overlaps: "Overlaps",
    zones: ["zone", "zones"],
    pairs: ["pair", "pairs"],
    inhabitants: "inhabitants",
    map: "Coverage map",
    map_hint: "Wheel to zoom, drag to pan, double-click to reset.",
    plan_map: "Plan map",
    legend_classes: [
        "not covered",
        "under 50 %",
        "50 to 90 %",
        "90 to 99.9 %",
        "99.9 to 100 %",
    ],
    legend_white: "white zone",
    legend_overlap: "overlap",
    legend_border: "CPTS border",
    focus_departement: "Département",
    focus_region: "Region",
    by_region: "Regions, by population in white zones",
    by_departement: "Départements, by population in white zones",
    region: "region",
    departement: "département",
    coverage: "coverage",
    in_white_zones: "in white zones",
    area: "area",
    cpts_list: "The CPTS",
    name: "name",
    status: "status",
    tier: "tier",
    funding: "maximum ACI funding",
    partial: "partial",
    total: "Total",
    tiers: "CPTS by tier",
    provenance: "Provenance",
    files: "Files read",
    population_source: "Population",
    assumptions: "Assumptions",
    none: "none",
    version: "Produced by cpts-coverage",
    schema: "summary.json schema",
    statuses: ["ACI signed", "health project validated", "pre-project"],
};

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#222;line-height:1.4}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.sub{color:#555}.warn{color:#8a4b00;font-weight:600}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:12rem;flex:1}
.card .v{font-size:1.5rem;font-weight:600}.card .l{color:#555;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}thead th{background:#f4f4f4}
svg.map{width:100%;height:auto;border:1px solid #ddd;background:#fbfbfb;touch-action:none;cursor:grab}
svg text.inset{font-size:12px;fill:#444}svg text.cpts-label{font-size:9px;font-weight:600;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:2px;pointer-events:none}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem;margin:.4rem 0}.legend span{display:inline-flex;align-items:center;gap:.3rem}
.sw{display:inline-block;width:14px;height:14px;border:1px solid #999}.hint{color:#777;font-size:.8rem}
ul.assumptions li{margin-bottom:.3rem}footer{margin-top:2rem;color:#777;font-size:.8rem}
td.id,.nw{white-space:nowrap}p.print{display:none}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:9.5pt;line-height:1.3}h1{font-size:15pt}h2{font-size:12pt;margin-top:1rem;break-after:avoid}h3{break-after:avoid}
svg.map{border:none;max-height:235mm}section.map,figure{break-inside:avoid}.hint{display:none}
table{font-size:8pt}th,td{padding:.05rem .3rem}tr{break-inside:avoid}thead{display:table-header-group}tr.screen{display:none}p.print{display:block;font-style:italic;margin:.3rem 0}
.cards{gap:.4rem}.card{padding:.3rem .5rem;min-width:10rem}.card .v{font-size:1.2rem}ul.assumptions{font-size:8.5pt}}
";

/// Zoom with the wheel, pan by dragging, reset with a double click.
const SCRIPT: &str = "
document.querySelectorAll('svg.zoomable').forEach(function(svg){
var vb=svg.viewBox.baseVal,home=[vb.x,vb.y,vb.width,vb.height],drag=null;
function at(e){var r=svg.getBoundingClientRect();return[vb.x+(e.clientX-r.left)/r.width*vb.width,vb.y+(e.clientY-r.top)/r.height*vb.height];}
svg.addEventListener('wheel',function(e){e.preventDefault();var k=e.deltaY<0?0.8:1.25,p=at(e);
vb.x=p[0]-(p[0]-vb.x)*k;vb.y=p[1]-(p[1]-vb.y)*k;vb.width*=k;vb.height*=k;},{passive:false});
svg.addEventListener('pointerdown',function(e){drag=at(e);svg.setPointerCapture(e.pointerId);});
svg.addEventListener('pointermove',function(e){if(!drag)return;var p=at(e);vb.x+=drag[0]-p[0];vb.y+=drag[1]-p[1];});
svg.addEventListener('pointerup',function(){drag=null;});
svg.addEventListener('dblclick',function(){vb.x=home[0];vb.y=home[1];vb.width=home[2];vb.height=home[3];});
});
";

/// The HTML report of `summary`, with maps drawn from `layers`.
/// `plan` gives the plan's section (`cpts plan`), after the CPTS, with its maps.
pub fn html_report(
    summary: &Summary,
    layers: &Layers,
    lang: Lang,
    focus: &[Focus],
    plan: Option<&PlanFiles>,
) -> String {
    let w = match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    };
    let s = summary;
    let mut h = String::new();
    opening(&mut h, s, w, lang);
    headline(&mut h, s, w, lang);
    maps(&mut h, layers, focus, w);
    area_tables(&mut h, s, w, lang);
    overlaps(&mut h, s, w, lang);
    cpts_table(&mut h, s, w, lang);
    tier_histogram(&mut h, s, w);
    if let Some(section) = access_section(s, lang, ZONES_SHOWN) {
        let map = apl_figure(s, layers, lang, w.map_hint);
        h.push_str(&section.html_with(&map, lang));
    }
    if let Some(section) = ages_section(s, lang) {
        h.push_str(&section.html_with("", lang));
    }
    if let Some(plan) = plan {
        let maps = plan_maps(
            layers,
            &PlanLayer::new(&plan.proposals, &plan.left, layers.get("cpts")),
            focus,
            w,
            lang,
        );
        h.push_str(&plan.section.html_with(&maps, lang));
    }
    provenance(&mut h, s, w, lang);
    let _ = writeln!(h, "<script>{SCRIPT}</script>\n</body></html>");
    h
}

/// The document's head and the report's title, with the mode and what was counted.
fn opening(h: &mut String, s: &Summary, w: &Words, lang: Lang) {
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        w.lang, w.title
    );
    let _ = writeln!(
        h,
        "<header><h1>{} — {}</h1><p class=\"sub\">{}, {} {}, {} CPTS.</p>",
        w.title,
        escape(&s.territory),
        match s.mode.as_str() {
            "membership" => w.modes[1],
            _ => w.modes[0],
        },
        unbroken(&lang.people(s.unit_count as f64)),
        w.units,
        s.cpts.len()
    );
    let without = lang.without_cpts(&s.departements_without_cpts);
    if !without.is_empty() {
        let _ = write!(h, "<p class=\"warn\">{}</p>", escape(&without));
    }
    h.push_str("</header>\n");
}

/// The national map, then a map for each focus that holds a commune.
fn maps(h: &mut String, layers: &Layers, focus: &[Focus], w: &Words) {
    let _ = writeln!(
        h,
        "<section class=\"map\" id=\"map\"><h2>{}</h2>{}{}<p class=\"hint\">{}</p></section>",
        w.map,
        national_map(layers, None, w.map),
        legend(w),
        w.map_hint
    );
    for f in focus {
        let title = f.title(w);
        if let Some(map) = focus_map(layers, |x| f.keeps(x), None, &title) {
            let _ = writeln!(
                h,
                "<section class=\"map\" id=\"{}\"><h2>{}</h2>{map}{}<p class=\"hint\">{}</p></section>",
                f.id(),
                escape(&title),
                legend(w),
                w.map_hint
            );
        }
    }
}

/// The plan on the national map, then on a map for each focus that holds a commune,
/// each with its legend.
fn plan_maps(layers: &Layers, plan: &PlanLayer, focus: &[Focus], w: &Words, lang: Lang) -> String {
    let mut h = format!(
        "<figure class=\"plan-map\" id=\"plan-map\" style=\"margin:1rem 0\"><h3>{}</h3>{}{}<p class=\"hint\">{}</p></figure>",
        w.plan_map,
        national_map(layers, Some(plan), w.plan_map),
        plan.legend(layers, None, lang),
        w.map_hint
    );
    for f in focus {
        let title = format!("{} — {}", w.plan_map, f.title(w));
        let Some(map) = focus_map(layers, |x| f.keeps(x), Some(plan), &title) else {
            continue;
        };
        let codes: BTreeSet<&str> = layers
            .get("communes")
            .iter()
            .filter(|x| f.keeps(x))
            .filter_map(|x| x.properties.get("code").and_then(|v| v.as_str()))
            .collect();
        let _ = write!(
            h,
            "<figure class=\"plan-map\" id=\"plan-{}\" style=\"margin:1rem 0\"><h3>{}</h3>{map}{}<p class=\"hint\">{}</p></figure>",
            f.id(),
            escape(&title),
            plan.legend(layers, Some(&codes), lang),
            w.map_hint
        );
    }
    h
}

/// The totals by region, then by département.
fn area_tables(h: &mut String, s: &Summary, w: &Words, lang: Lang) {
    let regions = s
        .by_region
        .iter()
        .map(|r| (labelled(&r.region, region_name(&r.region)), &r.totals));
    totals_table(h, "by-region", w.by_region, w.region, regions, w, lang);
    let departements = s.by_departement.iter().map(|r| {
        let name = departement_name(&r.departement);
        (labelled(&r.departement, name), &r.totals)
    });
    totals_table(
        h,
        "by-departement",
        w.by_departement,
        w.departement,
        departements,
        w,
        lang,
    );
}

fn headline(h: &mut String, s: &Summary, w: &Words, lang: Lang) {
    h.push_str("<section id=\"headline\"><div class=\"cards\">");
    let mut card = |value: String, label: String| {
        let _ = write!(
            h,
            "<div class=\"card\"><div class=\"v\">{value}</div><div class=\"l\">{}</div></div>",
            escape(&label)
        );
    };
    card(lang.people(s.total_population), w.population.into());
    card(
        lang.percent(s.coverage_rate),
        format!(
            "{} ({} {})",
            w.covered,
            lang.people(s.covered_population),
            w.inhabitants
        ),
    );
    card(
        lang.people(s.white_zone_population),
        format!(
            "{} — {}, {}",
            w.white_zones,
            lang.count(s.white_zone_count, w.zones[0], w.zones[1]),
            lang.km2(s.white_zone_area_km2)
        ),
    );
    card(
        lang.people(s.overlap_population),
        format!(
            "{} — {}, {}",
            w.overlaps,
            lang.count(s.overlap_count, w.pairs[0], w.pairs[1]),
            lang.km2(s.overlap_area_km2)
        ),
    );
    for row in &s.by_status {
        card(
            lang.percent(row.coverage_rate),
            format!("{} {}", w.by_status_alone, w.statuses[row.statut.index()]),
        );
    }
    h.push_str("</div></section>\n");
}

/// The legend of the coverage maps: the classes, the white zones, the overlaps
/// (hatched, or a dot when small) and the CPTS borders in the colour of each status.
fn legend(w: &Words) -> String {
    let mut l = String::from("<div class=\"legend\">");
    for ((_, colour), label) in COVERAGE_CLASSES.iter().zip(w.legend_classes) {
        let _ = write!(
            l,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{label}</span>",
            colour.hex()
        );
    }
    let overlap = OVERLAP.hex();
    let _ = write!(
        l,
        "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span><span class=\"overlap\"><i class=\"sw\" style=\"background:repeating-linear-gradient(45deg,{overlap} 0 2px,#fff 2px 4px);border-color:{overlap}\"></i><i class=\"sw\" style=\"width:7px;height:7px;border-radius:50%;background:{overlap};border-color:#000\"></i>{}</span>",
        WHITE_ZONE.hex(),
        w.legend_white,
        w.legend_overlap,
    );
    for status in Status::ALL {
        let _ = write!(
            l,
            "<span class=\"status\" data-status=\"{}\"><i class=\"sw\" style=\"background:#fff;border:3px solid {};box-shadow:0 0 0 1px {}\"></i>{} ({})</span>",
            status.as_str(),
            status_colour(status).hex(),
            BORDER.hex(),
            w.legend_border,
            w.statuses[status.index()]
        );
    }
    l.push_str("</div>");
    l
}

#[allow(clippy::too_many_arguments)]
fn totals_table<'a>(
    h: &mut String,
    id: &str,
    title: &str,
    key: &str,
    rows: impl Iterator<Item = (String, &'a Totals)>,
    w: &Words,
    lang: Lang,
) {
    let mut rows: Vec<_> = rows.collect();
    rows.sort_by(|a, b| {
        b.1.white_zone_population
            .total_cmp(&a.1.white_zone_population)
            .then(a.0.cmp(&b.0))
    });
    let _ = write!(
        h,
        "<section id=\"{id}-section\"><h2>{title}</h2><table id=\"{id}\"><thead><tr><th>{key}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        w.population.to_lowercase(),
        w.coverage,
        w.in_white_zones
    );
    let count = rows.len();
    for (k, (code, t)) in rows.into_iter().enumerate() {
        let _ = write!(
            h,
            "{}<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            row_tag(k),
            unbroken(&code),
            lang.people(t.population),
            lang.percent(t.coverage_rate),
            lang.people(t.white_zone_population)
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>{}</section>",
        full_list_note(count, lang)
    );
}

fn overlaps(h: &mut String, s: &Summary, w: &Words, lang: Lang) {
    let _ = write!(
        h,
        "<section id=\"overlaps-section\"><h2>{}</h2>",
        w.overlaps
    );
    if s.overlaps.is_empty() {
        let _ = writeln!(h, "<p>{}</p></section>", w.none);
        return;
    }
    let mut rows: Vec<_> = s.overlaps.iter().collect();
    rows.sort_by(|a, b| b.population.total_cmp(&a.population));
    let names: BTreeMap<&str, &str> = s
        .cpts
        .iter()
        .map(|c| (c.id.as_str(), c.nom.as_str()))
        .collect();
    let cpts = |id: &str| id_and_name(id, names.get(id).copied().unwrap_or(""));
    let _ = write!(
        h,
        "<table id=\"overlaps\"><thead><tr><th>CPTS</th><th>CPTS</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
        w.inhabitants, w.area, w.departement
    );
    let count = rows.len();
    for (k, o) in rows.into_iter().enumerate() {
        let _ = write!(
            h,
            "{}<td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            row_tag(k),
            cpts(&o.cpts_a),
            cpts(&o.cpts_b),
            lang.people(o.population),
            lang.km2(o.area_km2),
            departements(&o.departements)
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>{}</section>",
        full_list_note(count, lang)
    );
}

fn cpts_table(h: &mut String, s: &Summary, w: &Words, lang: Lang) {
    let _ = write!(
        h,
        "<section id=\"cpts-section\"><h2>{}</h2><table id=\"cpts\"><thead><tr><th>id</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
        w.cpts_list,
        w.name,
        w.status,
        w.population.to_lowercase(),
        w.tier,
        w.funding,
        w.departement
    );
    let mut total = 0u64;
    // Most populous first, so that the rows printed are the largest.
    let mut rows: Vec<_> = s.cpts.iter().collect();
    rows.sort_by(|a, b| b.population.total_cmp(&a.population).then(a.id.cmp(&b.id)));
    for (k, c) in rows.into_iter().enumerate() {
        total += u64::from(c.funding_max_eur);
        let partial = if c.partial {
            format!(" ({})", w.partial)
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "{}<td class=\"id\">{}</td><td>{}{partial}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            row_tag(k),
            escape(&c.id),
            escape(&c.nom),
            w.statuses[c.statut.index()],
            lang.people(c.population),
            c.tier,
            lang.euros(c.funding_max_eur),
            departements(&c.departements)
        );
    }
    let _ = writeln!(
        h,
        "</tbody><tfoot><tr><th colspan=\"5\">{}</th><th class=\"n\">{}</th><th></th></tr></tfoot></table>{}</section>",
        w.total,
        lang.euros(u32::try_from(total).unwrap_or(u32::MAX)),
        full_list_note(s.cpts.len(), lang)
    );
}

/// A CPTS's id, kept whole, then its name: `CPTS-22-05 (CPTS du Centre Bretagne)`.
fn id_and_name(id: &str, name: &str) -> String {
    let id_html = format!("<span class=\"nw\">{}</span>", escape(id));
    match name.trim() {
        "" => id_html,
        n if n == id => id_html,
        n => format!("{id_html} ({})", escape(n)),
    }
}

/// Départements by code and name: `22 Côtes-d'Armor, 29 Finistère`.
fn departements(codes: &[String]) -> String {
    let labels: Vec<String> = codes
        .iter()
        .map(|c| escape(&labelled(c, departement_name(c))))
        .collect();
    labels.join(", ")
}

/// CPTS per tier, stacked by status, as an SVG bar chart.
fn tier_histogram(h: &mut String, s: &Summary, w: &Words) {
    let mut counts = [[0usize; 3]; 4];
    for c in &s.cpts {
        if (1..=4).contains(&c.tier) {
            counts[usize::from(c.tier) - 1][c.statut.index()] += 1;
        }
    }
    let highest = counts
        .iter()
        .map(|t| t.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, height, bar) = (480.0, 220.0, 70.0);
    let scale = (height - 50.0) / highest as f64;
    let _ = write!(
        h,
        "<section id=\"tiers-section\"><h2>{}</h2><figure><svg id=\"tiers\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"{}\">",
        w.tiers, w.tiers
    );
    for (t, by_status) in counts.iter().enumerate() {
        let x = 40.0 + t as f64 * (bar + 40.0);
        let mut top = height - 25.0;
        for status in Status::ALL {
            let n = by_status[status.index()];
            if n == 0 {
                continue;
            }
            let tall = n as f64 * scale;
            top -= tall;
            let _ = write!(
                h,
                "<rect x=\"{x}\" y=\"{top:.1}\" width=\"{bar}\" height=\"{tall:.1}\" fill=\"{}\"><title>{} {}: {n}</title></rect>",
                status_colour(status).hex(),
                w.tier,
                t + 1
            );
        }
        let total: usize = by_status.iter().sum();
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\">{total}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\">{} {}</text>",
            x + bar / 2.0,
            top - 5.0,
            x + bar / 2.0,
            height - 8.0,
            w.tier,
            t + 1
        );
    }
    h.push_str("</svg><div class=\"legend\">");
    for status in Status::ALL {
        let _ = write!(
            h,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
            status_colour(status).hex(),
            w.statuses[status.index()]
        );
    }
    h.push_str("</div></figure></section>\n");
}

/// The files read, where the populations come from, what the inputs needed repaired,
/// and the assumptions made, in the report's language.
fn provenance(h: &mut String, s: &Summary, w: &Words, lang: Lang) {
    let _ = write!(
        h,
        "<section id=\"provenance\"><h2>{}</h2><h3>{}</h3><ul>",
        w.provenance, w.files
    );
    let french = lang == Lang::Fr;
    for src in &s.sources {
        let crs = src.crs.as_deref().map(|c| match french {
            true => crs_fr(c),
            false => c.to_string(),
        });
        let details: String = [crs.as_deref(), src.modified.as_deref()]
            .into_iter()
            .flatten()
            .map(|d| format!(", {}", escape(d)))
            .collect();
        let role = match french {
            true => role_fr(&src.role),
            false => &src.role,
        };
        let _ = write!(
            h,
            "<li>{}{} <code>{}</code> ({}{details})</li>",
            escape(role),
            colon(lang),
            escape(&src.file),
            escape(&src.format)
        );
    }
    let population_source = match french {
        true => s
            .population_source
            .replace(", property ", ", propriété ")
            .replace(", column ", ", colonne "),
        false => s.population_source.clone(),
    };
    let _ = write!(
        h,
        "</ul><p>{}{} {}</p><p>{}</p><h3>{}</h3>",
        w.population_source,
        colon(lang),
        escape(&population_source),
        repairs(s, lang),
        w.assumptions
    );
    if s.assumptions.is_empty() {
        let _ = write!(h, "<p>{}</p>", w.none);
    } else {
        h.push_str("<ul class=\"assumptions\">");
        for a in &s.assumptions {
            let text = match french {
                true => a.french(),
                false => &a.text,
            };
            let _ = write!(h, "<li>{}</li>", unbroken(text));
        }
        h.push_str("</ul>");
    }
    let _ = writeln!(
        h,
        "</section>\n<footer>{} {}, {} {}.</footer>",
        w.version,
        env!("CARGO_PKG_VERSION"),
        w.schema,
        s.schema_version
    );
}

/// ` :` in French, `:` in English.
fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => " :",
        Lang::En => ":",
    }
}

/// The repairs of the inputs in one sentence: geometries rebuilt, codes whose leading
/// zero was restored.
fn repairs(s: &Summary, lang: Lang) -> String {
    let (geometries, codes) = (s.repairs.repaired_geometries, s.repairs.codes);
    match lang {
        Lang::Fr => format!(
            "Entrées réparées : {}, {}.",
            lang.count(
                geometries,
                "géométrie invalide reconstruite",
                "géométries invalides reconstruites"
            ),
            lang.count(
                codes,
                "code INSEE au zéro initial rétabli",
                "codes INSEE au zéro initial rétabli"
            ),
        ),
        Lang::En => format!(
            "Inputs repaired: {}, {}.",
            lang.count(
                geometries,
                "invalid geometry rebuilt",
                "invalid geometries rebuilt"
            ),
            lang.count(
                codes,
                "INSEE code with its leading zero restored",
                "INSEE codes with their leading zero restored"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_focus_names_a_departement_or_a_region() {
        let (deps, regs) = (codes(&["22", "29", "53"]), codes(&["53"]));
        assert_eq!(
            Focus::resolve("22", &deps, &regs).unwrap(),
            Focus::Departement("22".into())
        );
        assert_eq!(
            Focus::resolve("region:53", &deps, &regs).unwrap(),
            Focus::Region("53".into())
        );
        assert_eq!(
            Focus::resolve("departement:53", &deps, &regs).unwrap(),
            Focus::Departement("53".into())
        );
        let both = Focus::resolve("53", &deps, &regs).unwrap_err().to_string();
        assert!(
            both.contains("--focus departement:53 or --focus region:53"),
            "{both}"
        );
        let none = Focus::resolve("75", &deps, &regs).unwrap_err().to_string();
        assert!(
            none.contains("no commune") && none.contains("22, 29, 53"),
            "{none}"
        );
        let kind = Focus::resolve("commune:22", &deps, &regs)
            .unwrap_err()
            .to_string();
        assert!(kind.contains("neither departement nor region"), "{kind}");
    }
}
