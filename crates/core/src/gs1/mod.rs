//! GS1 identifiers that cannot hold an invalid value: keys with check digits (GTIN, GLN,
//! SSCC), lot and serial attributes, and their GS1 Digital Link and EPC URN forms.

/// The impls every GS1 string newtype shares; the type itself defines `parse`.
macro_rules! gs1_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::error::Error;
            fn try_from(s: String) -> crate::error::Result<$name> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub(crate) mod id;
mod keys;
mod text;

pub use id::{Gs1Id, CANONICAL_DL_BASE};
pub use keys::{check_digit, Gln, Gtin, Sscc};
pub use text::{Lot, Serial};
