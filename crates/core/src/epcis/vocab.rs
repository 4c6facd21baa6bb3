//! GS1 Core Business Vocabulary 2.0 values: accepted as the short name (`shipping`), the
//! Web URI (`https://ref.gs1.org/cbv/BizStep-shipping`) or the CBV 1.x URN
//! (`urn:epcglobal:cbv:bizstep:shipping`); user vocabularies as any other absolute URI.

pub struct Vocabulary {
    pub field: &'static str,
    pub web_prefix: &'static str,
    pub urn_prefix: &'static str,
    pub values: &'static [&'static str],
}

pub const BIZ_STEP: Vocabulary = Vocabulary {
    field: "bizStep",
    web_prefix: "https://ref.gs1.org/cbv/BizStep-",
    urn_prefix: "urn:epcglobal:cbv:bizstep:",
    values: &[
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    ],
};

pub const DISPOSITION: Vocabulary = Vocabulary {
    field: "disposition",
    web_prefix: "https://ref.gs1.org/cbv/Disp-",
    urn_prefix: "urn:epcglobal:cbv:disp:",
    values: &[
        "active",
        "available",
        "completeness_inferred",
        "completeness_verified",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_instance",
        "mismatch_class",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    ],
};

pub const BIZ_TRANSACTION_TYPE: Vocabulary = Vocabulary {
    field: "bizTransactionList type",
    web_prefix: "https://ref.gs1.org/cbv/BTT-",
    urn_prefix: "urn:epcglobal:cbv:btt:",
    values: &[
        "bol",
        "cert",
        "desadv",
        "inv",
        "pedigree",
        "po",
        "poc",
        "prodorder",
        "recadv",
        "rma",
        "testprd",
        "testres",
        "upevt",
    ],
};

pub const SOURCE_DEST_TYPE: Vocabulary = Vocabulary {
    field: "source/destination type",
    web_prefix: "https://ref.gs1.org/cbv/SDT-",
    urn_prefix: "urn:epcglobal:cbv:sdt:",
    values: &["owning_party", "possessing_party", "location"],
};

pub const ERROR_REASON: Vocabulary = Vocabulary {
    field: "errorDeclaration reason",
    web_prefix: "https://ref.gs1.org/cbv/ER-",
    urn_prefix: "urn:epcglobal:cbv:er:",
    values: &["did_not_occur", "incorrect_data"],
};

/// Sensor measurement types (EPCIS 2.0 context: `gs1:` terms of the GS1 Web Vocabulary).
pub const MEASUREMENT_TYPE: Vocabulary = Vocabulary {
    field: "sensorReport type",
    web_prefix: "https://gs1.org/voc/",
    urn_prefix: "gs1:",
    values: &[
        "AbsoluteHumidity",
        "AbsorbedDose",
        "AbsorbedDoseRate",
        "Acceleration",
        "Altitude",
        "AmountOfSubstance",
        "AmountOfSubstancePerUnitVolume",
        "Angle",
        "AngularAcceleration",
        "AngularMomentum",
        "AngularVelocity",
        "Area",
        "Capacitance",
        "Conductance",
        "Conductivity",
        "Count",
        "Density",
        "Dimensionless",
        "DoseEquivalent",
        "DoseEquivalentRate",
        "DynamicViscosity",
        "ElectricCharge",
        "ElectricCurrent",
        "ElectricCurrentDensity",
        "ElectricFieldStrength",
        "Energy",
        "Exposure",
        "Force",
        "Frequency",
        "Illuminance",
        "Inductance",
        "Irradiance",
        "KinematicViscosity",
        "Length",
        "LinearMomentum",
        "Luminance",
        "LuminousFlux",
        "LuminousIntensity",
        "MagneticFlux",
        "MagneticFluxDensity",
        "MagneticVectorPotential",
        "Mass",
        "MassConcentration",
        "MassFlowRate",
        "MassPerAreaTime",
        "MemoryCapacity",
        "MolalityOfSolute",
        "MolarEnergy",
        "MolarMass",
        "MolarVolume",
        "Power",
        "Pressure",
        "RadiantFlux",
        "RadiantIntensity",
        "Radioactivity",
        "RelativeHumidity",
        "Resistance",
        "Resistivity",
        "SolidAngle",
        "SpecificVolume",
        "Speed",
        "SurfaceDensity",
        "SurfaceTension",
        "Temperature",
        "Time",
        "Torque",
        "Voltage",
        "Volume",
        "VolumeFlowRate",
        "VolumeFraction",
        "VolumetricFlux",
        "Wavenumber",
    ],
};

/// Sensor alert types (`exception`), GS1 Web Vocabulary terms.
pub const SENSOR_ALERT: Vocabulary = Vocabulary {
    field: "sensorReport exception",
    web_prefix: "https://gs1.org/voc/",
    urn_prefix: "gs1:",
    values: &["ALARM_CONDITION", "ERROR_CONDITION"],
};

/// Components of a sensor reading (`component`), CBV 2.0.
pub const COMPONENT: Vocabulary = Vocabulary {
    field: "sensorReport component",
    web_prefix: "https://ref.gs1.org/cbv/Comp-",
    urn_prefix: "cbv:Comp-",
    values: &[
        "x",
        "y",
        "z",
        "axial_distance",
        "azimuth",
        "height",
        "spherical_radius",
        "polar_angle",
        "elevation_angle",
        "easting",
        "northing",
        "latitude",
        "longitude",
        "altitude",
    ],
};

impl Vocabulary {
    /// The value's full URI, or why it is not acceptable.
    pub fn resolve(&self, value: &str) -> Result<String, String> {
        let short = if let Some(s) = value.strip_prefix(self.web_prefix) {
            s
        } else if let Some(s) = value.strip_prefix(self.urn_prefix) {
            s
        } else if value.contains(':') {
            if value.starts_with("https://ref.gs1.org/cbv/")
                || value.starts_with("urn:epcglobal:cbv:")
            {
                return Err(format!("{value:?} is not a CBV 2.0 {} value", self.field));
            }
            return Ok(value.to_string());
        } else {
            value
        };
        if self.values.contains(&short) {
            Ok(format!("{}{short}", self.web_prefix))
        } else {
            let hint = match self.suggest(short) {
                Some(s) => format!("did you mean {s:?}?"),
                None => format!(
                    "use a CBV value such as {:?}, or your own vocabulary as a URI",
                    self.values[0]
                ),
            };
            Err(format!(
                "{value:?} is not a CBV {} value: {hint}",
                self.field
            ))
        }
    }

    /// The short name (the JSON-LD form) of a known value written in any of its forms:
    /// short, Web URI, CBV 1.x URN or compact URI (`cbv:BizStep-shipping`, `gs1:Temperature`).
    pub fn compact(&self, value: &str) -> Option<&'static str> {
        let v = value.trim();
        let short = v
            .strip_prefix(self.web_prefix)
            .or_else(|| v.strip_prefix(self.urn_prefix))
            .or_else(|| {
                let tail = self.web_prefix.strip_prefix("https://ref.gs1.org/cbv/")?;
                v.strip_prefix("cbv:")?.strip_prefix(tail)
            })
            .or_else(|| {
                self.web_prefix.strip_prefix("https://gs1.org/voc/")?;
                v.strip_prefix("gs1:")
            })
            .unwrap_or(v);
        self.values.iter().copied().find(|x| *x == short)
    }

    /// As `resolve`, but a URI in GS1's CBV namespace that names no CBV 2.0 term (a typo,
    /// or a term of a later CBV) is kept as written, with a warning saying so: EPCIS 2.0's
    /// schemas accept any URI there. A short name must still be a CBV term.
    pub fn resolve_lenient(&self, value: &str) -> Result<(String, Option<String>), String> {
        match self.resolve(value) {
            Ok(v) => Ok((v, None)),
            Err(e) if value.contains(':') => {
                Ok((value.to_string(), Some(format!("{e}; kept as written"))))
            }
            Err(e) => Err(e),
        }
    }

    /// The short name of a known value's URI, for display.
    pub fn short<'a>(&self, uri: &'a str) -> &'a str {
        uri.strip_prefix(self.web_prefix).unwrap_or(uri)
    }

    fn suggest(&self, value: &str) -> Option<&'static str> {
        let v = value.to_ascii_lowercase().replace([' ', '-'], "_");
        self.values
            .iter()
            .map(|c| (distance(&v, c), *c))
            .filter(|(d, c)| *d <= 2.max(c.len() / 4))
            .min()
            .map(|(_, c)| c)
    }
}

/// Levenshtein distance, for "did you mean" hints.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = if ca == b[j] {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_urn_and_web_forms_agree() {
        let want = "https://ref.gs1.org/cbv/BizStep-shipping";
        for v in ["shipping", "urn:epcglobal:cbv:bizstep:shipping", want] {
            assert_eq!(BIZ_STEP.resolve(v).unwrap(), want);
        }
        assert_eq!(
            BIZ_STEP.resolve("https://example.com/steps/roast").unwrap(),
            "https://example.com/steps/roast"
        );
        let e = BIZ_STEP.resolve("shiping").unwrap_err();
        assert!(e.contains("did you mean \"shipping\""), "{e}");
        assert!(BIZ_STEP
            .resolve("https://ref.gs1.org/cbv/BizStep-flying")
            .is_err());
        assert!(DISPOSITION.resolve("in_transit").is_ok());
    }
}
