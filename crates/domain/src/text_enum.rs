//! Enums stored as text. One declaration names each variant's stored spelling, so the
//! spelling, the list of variants and the parser cannot drift apart.

/// A stored text that names no variant of the enum: a corrupt row, or one written by a newer
/// version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a known {kind}")]
pub struct UnknownText {
    /// The enum's name, e.g. `WorkOrderStatus`.
    pub kind: &'static str,
    pub text: String,
}

/// Declares an enum whose variants are stored as the given texts, with `ALL` (declaration
/// order), `as_str`, `FromStr` (refusing unknown text with [`UnknownText`]) and `Display`
/// (the stored text). Attributes on the enum and its variants pass through, so the derives
/// (at least `Clone, Copy`) and any serde or utoipa attributes are written as usual.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $text:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The text stored for this variant.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::text_enum::UnknownText;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::text_enum::UnknownText {
                        kind: stringify!($name),
                        text: text.to_owned(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use text_enum;

/// Test helper: every variant round-trips through its text, the texts are distinct, and a
/// text that names no variant is refused with its enum's name.
#[cfg(test)]
pub(crate) fn assert_round_trips<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + PartialEq + std::fmt::Debug + std::str::FromStr<Err = UnknownText>,
{
    let mut seen = std::collections::BTreeSet::new();
    for &variant in all {
        let text = as_str(variant);
        assert!(seen.insert(text), "{text} is used twice");
        assert_eq!(text.parse::<T>(), Ok(variant), "{text}");
    }
    for unknown in ["", "unknown", " open", "OPEN"] {
        if seen.contains(unknown) {
            continue;
        }
        let error = unknown.parse::<T>().unwrap_err();
        assert_eq!(error.text, unknown);
        assert!(error.to_string().contains(error.kind), "{error}");
    }
}

/// Test helper: the serde name of every variant is its stored text, so the wire and the
/// database spell it the same way.
#[cfg(test)]
pub(crate) fn assert_serde_names_match<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + serde::Serialize,
{
    for &variant in all {
        assert_eq!(
            serde_json::to_value(variant).unwrap(),
            serde_json::Value::String(as_str(variant).to_owned())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    text_enum! {
        /// A sample.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Sample {
            /// With a doc comment.
            First = "first",
            #[serde(rename = "second_one")]
            SecondOne = "second_one",
        }
    }

    #[test]
    fn the_macro_gives_all_texts_parsing_and_display() {
        assert_eq!(Sample::ALL, [Sample::First, Sample::SecondOne]);
        assert_eq!(Sample::SecondOne.as_str(), "second_one");
        assert_eq!(Sample::First.to_string(), "first");
        assert_eq!("first".parse(), Ok(Sample::First));
        assert_eq!(
            "third".parse::<Sample>(),
            Err(UnknownText {
                kind: "Sample",
                text: "third".into()
            })
        );
        assert_eq!(
            "third".parse::<Sample>().unwrap_err().to_string(),
            "\"third\" is not a known Sample"
        );
        assert_round_trips(&Sample::ALL, Sample::as_str);
        assert_serde_names_match(&Sample::ALL, Sample::as_str);
    }
}
