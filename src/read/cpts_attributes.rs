//! Which attributes of a perimeter file identify, name and give the status of each CPTS,
//! whatever the file calls them, and which features are not CPTS at all.

use crate::error::{Error, Result};
use crate::model::provenance::{listing, role_fr, AssumptionKind, Provenance};
use crate::model::{Cpts, Missions, Status};
use crate::read::table::{Row, Table};
use crate::read::vocabulary::{fold, reads_as_white_zone, StatusVocabulary};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How to read the CPTS of a perimeter file.
#[derive(Debug, Clone)]
pub struct PerimeterOptions {
    /// Column of the CPTS id (default: `id` or a common alternative; else the name).
    pub id_field: Option<String>,
    /// Column of the CPTS name (default: `nom` or a common alternative).
    pub name_field: Option<String>,
    /// Column of the status (default: `statut` or a common alternative).
    pub status_field: Option<String>,
    /// Status labels and the status each stands for.
    pub vocabulary: StatusVocabulary,
    /// Status of a CPTS when the file has no status column, or the cell is blank.
    pub default_status: Status,
    /// Features or rows to drop (not CPTS).
    pub exclude: Vec<Exclusion>,
    /// Sheet of a spreadsheet membership table (default: the first).
    pub sheet: Option<String>,
    /// Column of a membership table's commune codes (default: `code_insee` or a common
    /// alternative).
    pub code_field: Option<String>,
    /// Passage table mapping old INSEE codes of a membership table to current ones
    /// (default: the shipped `data/code_passage.csv`).
    pub code_passage: Option<std::path::PathBuf>,
    /// Leave out the membership rows that match no unit and record them as problems
    /// (`cpts validate`), instead of failing on them.
    pub keep_going: bool,
    /// CRS of a perimeter layer declaring none (`--perimeters-crs`).
    pub crs: Option<String>,
}

impl Default for PerimeterOptions {
    fn default() -> Self {
        PerimeterOptions {
            id_field: None,
            name_field: None,
            status_field: None,
            vocabulary: StatusVocabulary::shipped(),
            default_status: Status::SignataireAci,
            exclude: Vec::new(),
            sheet: None,
            code_field: None,
            code_passage: None,
            keep_going: false,
            crs: None,
        }
    }
}

/// `--exclude-where FIELD=VALUE`: drop the features whose `field` reads `value`
/// (compared folded: case and accents do not matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub field: String,
    pub value: String,
}

impl std::str::FromStr for Exclusion {
    type Err = String;

    fn from_str(raw: &str) -> std::result::Result<Self, String> {
        match raw.split_once('=') {
            Some((field, value)) if !field.trim().is_empty() => Ok(Exclusion {
                field: field.trim().to_string(),
                value: value.trim().to_string(),
            }),
            _ => Err(format!(
                "{raw:?} is not FIELD=VALUE (for example nom_cpts=HORS CPTS)"
            )),
        }
    }
}

/// Column names recognised for the CPTS id, first the default.
pub const ID_COLUMNS: &[&str] = &[
    "id",
    "cpts_id",
    "id_cpts",
    "code_cpts",
    "cpts_code",
    "cpts_key",
    "identifiant",
];
/// Column names recognised for the CPTS name, first the default.
pub const NAME_COLUMNS: &[&str] = &[
    "nom",
    "cpts_nom",
    "nom_cpts",
    "name",
    "nm_cpts",
    "libelle",
    "libelle_cpts",
    "denomination",
    "nom_de_la_cpts",
    "cpts",
];
/// Column names recognised for the status, first the default.
pub const STATUS_COLUMNS: &[&str] = &[
    "statut",
    "statut_aci",
    "statut_cpts",
    "status",
    "etat",
    "etat_avancement",
    "avancement",
    "stade",
];

/// The column names of the documented formats (`id;nom;statut` layers,
/// `cpts_id;cpts_nom;statut;code_insee` tables, `nom_commune;departement` instead of
/// codes): finding them is no assumption.
const DOCUMENTED_COLUMNS: &[&str] = &[
    "id",
    "nom",
    "statut",
    "cpts_id",
    "cpts_nom",
    "code_insee",
    "nom_commune",
    "departement",
    "ancien_code",
    "nouveau_code",
];

/// Finds a column: the one given with `flag` (which must exist), or the first of
/// `candidates` present, compared folded. A column found under another name than the
/// documented ones is stated in `provenance`.
pub fn find_column(
    path: &Path,
    table: &Table,
    given: Option<&str>,
    candidates: &[&str],
    what: &str,
    flag: Option<&str>,
    provenance: &mut Provenance,
) -> Result<Option<usize>> {
    if let Some(name) = given {
        let flag = flag.unwrap_or("the option");
        return table.position(name).map(Some).ok_or_else(|| {
            Error::input(
                path,
                "the header",
                format!(
                    "no column `{name}` given with {flag} (columns: {})",
                    table.columns.join(", ")
                ),
                format!("give {flag} one of the columns above"),
            )
        });
    }
    let found = candidates
        .iter()
        .find_map(|c| table.position(c).map(|i| (i, *c)));
    // The table the column is in, as the statements name it.
    let role = match flag {
        Some(flag) if flag.starts_with("--population") => "population",
        _ => "perimeters",
    };
    if let Some((i, candidate)) = found {
        if !DOCUMENTED_COLUMNS.contains(&candidate) {
            let what_fr = match what {
                "CPTS ids" => "identifiants des CPTS",
                "CPTS names" => "noms des CPTS",
                "statuses" => "statuts",
                "commune codes" => "codes des communes",
                "commune names" => "noms des communes",
                "départements" => "départements",
                "populations" => "populations",
                other => other,
            };
            provenance.assume(
                AssumptionKind::Column,
                1,
                match flag {
                    Some(flag) => format!(
                        "{role}: {what} read from column `{}` (choose another with {flag})",
                        table.columns[i]
                    ),
                    None => format!("{role}: {what} read from column `{}`", table.columns[i]),
                },
                match flag {
                    Some(flag) => format!(
                        "{} : {what_fr} lus dans la colonne `{}` (en choisir une autre avec {flag})",
                        role_fr(role),
                        table.columns[i]
                    ),
                    None => format!(
                        "{} : {what_fr} lus dans la colonne `{}`",
                        role_fr(role),
                        table.columns[i]
                    ),
                },
            );
        }
    }
    Ok(found.map(|(i, _)| i))
}

/// Reads the CPTS of each row: `None` for a row dropped by an exclusion. Ids are names
/// when there is no id column; statuses come through the vocabulary, or are the
/// default status when there is no status column. Every such choice is recorded.
pub fn read_cpts(
    path: &Path,
    table: &Table,
    options: &PerimeterOptions,
    feature: &str,
    provenance: &mut Provenance,
) -> Result<Vec<Option<Cpts>>> {
    let columns = CptsColumns::find(path, table, options, provenance)?;
    let missions = mission_columns(path, table)?;
    let exclusions = exclusion_columns(path, table, &options.exclude)?;
    let mut dropped = vec![0usize; exclusions.len()];
    let mut statuses = StatusReading::default();
    let mut cpts = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        if let Some(k) = exclusions
            .iter()
            .position(|(c, v)| fold(row.cell(*c)) == *v)
        {
            dropped[k] += 1;
            cpts.push(None);
            continue;
        }
        let (id, nom) = identity(path, row, columns.id, columns.name)?;
        let named_by = columns.name.or(columns.id);
        refuse_white_zone_label(path, table, row, &id, &nom, named_by, feature)?;
        let label = columns.status.map(|c| row.cell(c)).unwrap_or("");
        let statut = statuses.read(label, &id, &row.place, options);
        let missions = signed_missions(path, table, row, &missions)?;
        cpts.push(Some(Cpts {
            id,
            nom,
            statut,
            missions,
        }));
    }
    if !statuses.unknown.is_empty() {
        let column = columns.status.map(|c| table.columns[c].as_str());
        return Err(unknown_labels(
            path,
            &statuses.unknown,
            &statuses.labels,
            column,
        ));
    }
    state_exclusions(options, &dropped, feature, provenance);
    if columns.id.is_none() {
        let count = cpts
            .iter()
            .flatten()
            .map(|c| &c.id)
            .collect::<BTreeSet<_>>()
            .len();
        provenance.assume(
            AssumptionKind::IdFromName,
            count,
            "perimeters: no id column; each CPTS is identified by its name".to_string(),
            "périmètres : aucune colonne d'identifiant ; chaque CPTS est identifiée par son nom"
                .to_string(),
        );
    }
    if columns.name.is_none() {
        provenance.assume(
            AssumptionKind::Column,
            1,
            format!(
                "perimeters: no column names the CPTS (columns: {}); each is named by its id \
                 (choose the column of the names with --cpts-name-field)",
                table.columns.join(", ")
            ),
            format!(
                "périmètres : aucune colonne ne nomme les CPTS (colonnes : {}) ; chacune est nommée \
                 par son identifiant (choisir la colonne des noms avec --cpts-name-field)",
                table.columns.join(", ")
            ),
        );
    }
    statuses.state(columns.status.is_none(), options, provenance);
    Ok(cpts)
}

/// The columns of a perimeter file that identify, name and give the status of each
/// CPTS (`None`: the file has no such column).
struct CptsColumns {
    id: Option<usize>,
    name: Option<usize>,
    status: Option<usize>,
}

impl CptsColumns {
    /// Finds the columns (given by an option, else recognised by name, stated); a file
    /// with neither ids nor names is refused.
    fn find(
        path: &Path,
        table: &Table,
        options: &PerimeterOptions,
        provenance: &mut Provenance,
    ) -> Result<CptsColumns> {
        let mut column = |given: &Option<String>, candidates, what, flag| {
            find_column(
                path,
                table,
                given.as_deref(),
                candidates,
                what,
                Some(flag),
                provenance,
            )
        };
        let id = column(&options.id_field, ID_COLUMNS, "CPTS ids", "--cpts-id-field")?;
        let name = column(
            &options.name_field,
            NAME_COLUMNS,
            "CPTS names",
            "--cpts-name-field",
        )?;
        let status = column(
            &options.status_field,
            STATUS_COLUMNS,
            "statuses",
            "--cpts-status-field",
        )?;
        if id.is_none() && name.is_none() {
            return Err(Error::input(
                path,
                "the header",
                format!(
                    "no column names the CPTS (columns: {})",
                    table.columns.join(", ")
                ),
                "name the column with --cpts-name-field (and --cpts-id-field if there is an id)",
            ));
        }
        Ok(CptsColumns { id, name, status })
    }
}

/// The status labels read, row by row: the labels understood through the vocabulary,
/// the CPTS given the default status, and the unknown labels with their rows.
#[derive(Default)]
struct StatusReading {
    unknown: BTreeMap<String, Vec<String>>,
    labels: BTreeMap<(String, Status), BTreeSet<String>>,
    defaulted: BTreeSet<String>,
}

impl StatusReading {
    /// The status of CPTS `id` labelled `label` on the row at `place` (the default for a
    /// blank label, or for an unknown one, which is kept to be refused).
    fn read(&mut self, label: &str, id: &str, place: &str, options: &PerimeterOptions) -> Status {
        if label.is_empty() {
            self.defaulted.insert(id.to_string());
            return options.default_status;
        }
        match options.vocabulary.status(label) {
            Some(status) => {
                if Status::parse(label) != Some(status) {
                    self.labels
                        .entry((label.to_string(), status))
                        .or_default()
                        .insert(id.to_string());
                }
                status
            }
            None => {
                self.unknown
                    .entry(label.to_string())
                    .or_default()
                    .push(place.to_string());
                options.default_status
            }
        }
    }

    /// States the default status given (no status column, or blank statuses) and each
    /// label read as a status.
    fn state(self, no_column: bool, options: &PerimeterOptions, provenance: &mut Provenance) {
        if !self.defaulted.is_empty() {
            let (why, why_fr) = match no_column {
                true => ("no status column", "aucune colonne de statut"),
                false => ("a blank status", "un statut vide"),
            };
            provenance.assume(
                AssumptionKind::DefaultStatus,
                self.defaulted.len(),
                format!(
                    "perimeters: {why}; {} CPTS taken as {} (--default-status)",
                    self.defaulted.len(),
                    options.default_status
                ),
                format!(
                    "périmètres : {why_fr} ; {} prises comme {} (--default-status)",
                    match self.defaulted.len() {
                        1 => "1 CPTS".to_string(),
                        n => format!("{n} CPTS"),
                    },
                    options.default_status
                ),
            );
        }
        for ((label, status), ids) in self.labels {
            provenance.assume(
                AssumptionKind::StatusLabel,
                ids.len(),
                format!("perimeters: status label {label:?} read as {status}"),
                format!("périmètres : le libellé de statut « {label} » lu comme {status}"),
            );
        }
    }
}

/// States each `--exclude-where` with the number of features it dropped, zero included.
fn state_exclusions(
    options: &PerimeterOptions,
    dropped: &[usize],
    feature: &str,
    provenance: &mut Provenance,
) {
    for (e, &count) in options.exclude.iter().zip(dropped) {
        let (field, value) = (&e.field, &e.value);
        provenance.assume(
            AssumptionKind::Excluded,
            count,
            format!("perimeters: {count} {feature}(s) where {field} = {value:?} dropped (--exclude-where)"),
            {
                let (one, many) = match feature {
                    "feature" => ("objet écarté", "objets écartés"),
                    _ => ("ligne écartée", "lignes écartées"),
                };
                let what = if count <= 1 { one } else { many };
                format!("périmètres : {count} {what} où {field} = « {value} » (--exclude-where)")
            },
        );
    }
}

/// The `mission_…` columns (compared folded: `Mission Accès` too), with the mission
/// each names (`acces`); two columns for one mission are refused.
fn mission_columns(path: &Path, table: &Table) -> Result<Vec<(usize, String)>> {
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (c, name) in table.columns.iter().enumerate() {
        let folded = fold(name);
        let Some(key) = folded
            .strip_prefix("mission ")
            .map(|k| k.trim().replace(' ', "_"))
        else {
            continue;
        };
        if let Some((first, _)) = columns.iter().find(|(_, k)| *k == key) {
            return Err(Error::input(
                path,
                "the header",
                format!(
                    "the columns {} and {} both give the mission {key}",
                    table.columns[*first], name
                ),
                "keep one column per mission",
            ));
        }
        if !key.is_empty() {
            columns.push((c, key));
        }
    }
    Ok(columns)
}

/// The missions a row says its CPTS signed: `None` when the file has no mission
/// column. A cell reads yes (`oui`, `yes`, `x`, `1`, `true`, `signée`) or no (`non`,
/// `no`, `0`, `false`, blank).
fn signed_missions(
    path: &Path,
    table: &Table,
    row: &Row,
    columns: &[(usize, String)],
) -> Result<Option<Missions>> {
    if columns.is_empty() {
        return Ok(None);
    }
    let mut signed = Missions::default();
    for (c, key) in columns {
        let yes = match fold(row.cell(*c)).as_str() {
            "oui" | "o" | "yes" | "y" | "x" | "1" | "true" | "vrai" | "signe" | "signee" => true,
            "non" | "n" | "no" | "0" | "false" | "faux" | "" => false,
            _ => {
                return Err(Error::input(
                    path,
                    &row.place,
                    format!(
                        "the column {} reads {:?}, neither yes nor no",
                        table.columns[*c],
                        row.cell(*c)
                    ),
                    "write oui or non (yes/no, 1/0, x or blank) in the mission columns",
                ))
            }
        };
        signed.0.insert(key.clone(), yes);
    }
    Ok(Some(signed))
}

/// The columns of the exclusions, with their folded values.
fn exclusion_columns(
    path: &Path,
    table: &Table,
    exclude: &[Exclusion],
) -> Result<Vec<(usize, String)>> {
    exclude
        .iter()
        .map(|e| {
            table
                .position(&e.field)
                .map(|c| (c, fold(&e.value)))
                .ok_or_else(|| {
                    Error::input(
                        path,
                        "the header",
                        format!(
                            "--exclude-where names the column `{}`, which the file does not have (columns: {})",
                            e.field,
                            table.columns.join(", ")
                        ),
                        "give --exclude-where one of the columns above",
                    )
                })
        })
        .collect()
}

/// The id and name of a row: each stands for the other when missing.
fn identity(
    path: &Path,
    row: &Row,
    id_col: Option<usize>,
    name_col: Option<usize>,
) -> Result<(String, String)> {
    let id = id_col.map(|c| row.cell(c)).unwrap_or("");
    let nom = name_col.map(|c| row.cell(c)).unwrap_or("");
    match (id, nom) {
        ("", "") => Err(Error::input(
            path,
            &row.place,
            "neither an id nor a name",
            "fill in the CPTS id or name, or drop the row",
        )),
        ("", nom) => Ok((nom.to_string(), nom.to_string())),
        (id, "") => Ok((id.to_string(), id.to_string())),
        (id, nom) => Ok((id.to_string(), nom.to_string())),
    }
}

/// A feature labelled like a white zone ("HORS CPTS") is never counted as a CPTS.
fn refuse_white_zone_label(
    path: &Path,
    table: &Table,
    row: &Row,
    id: &str,
    nom: &str,
    column: Option<usize>,
    feature: &str,
) -> Result<()> {
    let label = [nom, id].into_iter().find(|t| reads_as_white_zone(t));
    match (label, column) {
        (Some(label), Some(c)) => Err(Error::input(
            path,
            &row.place,
            format!(
                "the {feature} {label:?} reads as territory in no CPTS, not as a CPTS: counting it would cover a white zone"
            ),
            format!(
                "drop it with --exclude-where \"{}={label}\"",
                table.columns[c]
            ),
        )),
        _ => Ok(()),
    }
}

fn unknown_labels(
    path: &Path,
    unknown: &BTreeMap<String, Vec<String>>,
    known: &BTreeMap<(String, Status), BTreeSet<String>>,
    column: Option<&str>,
) -> Error {
    let unknown_text: Vec<String> = unknown
        .iter()
        .map(|(label, places)| format!("{label:?} ({})", listing(places, 3)))
        .collect();
    let known_text: Vec<String> = known
        .keys()
        .map(|(label, status)| format!("{label:?} → {status}"))
        .collect();
    let example = unknown.keys().next().cloned().unwrap_or_default();
    Error::input(
        path,
        format!("{} status labels", unknown.len()),
        format!(
            "unknown status labels: {}{}",
            unknown_text.join(", "),
            if known_text.is_empty() {
                String::new()
            } else {
                format!("; labels understood: {}", known_text.join(", "))
            }
        ),
        format!(
            "map each label to signataire_aci, projet or pre_projet in a file of `label;statut` lines \
             (e.g. `{example};projet`) given with --status-map (the labels understood above need no line). \
             A CPTS abandoned, dissolved or not a CPTS at all should not count as covering: \
             drop it with --exclude-where \"{}={example}\"",
            column.unwrap_or("statut")
        ),
    )
}
