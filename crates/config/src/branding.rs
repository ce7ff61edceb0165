//! `app.branding`: logos, brand colours and tokens, in Red Hat Developer Hub's key shape.
//!
//! ```yaml
//! app:
//!   branding:
//!     fullLogo: https://example.com/logo.svg
//!     iconLogo: data:image/svg+xml;base64,...
//!     theme:
//!       light:
//!         palette: { primary: { main: '#1f5493' }, navigation: { indicator: '#9bf0e1' } }
//!         pageTheme: { default: { backgroundColor: ['#005b4b', '#00897b'] } }
//!     fontFamily: Inter, sans-serif      # Portico's own tokens
//!     cornerRadius: 6px
//!     themeCss: ./acme-theme.css         # a whole theme as a CSS file
//! ```
//!
//! Colours are validated when the config loads; [`Branding::contrast_warnings`]
//! reports brand colours that fail WCAG AA against the surfaces they sit on.

use serde::{Deserialize, Deserializer};

/// A CSS colour that parsed; kept as the author wrote it and as RGB.
#[derive(Debug, Clone, PartialEq)]
pub struct HexColor {
    /// The colour as written (any CSS colour syntax).
    pub css: String,
    rgb: [f32; 3],
}

impl HexColor {
    /// Parses any CSS colour (`#abc`, `rgb(...)`, `hsl(...)`, a name).
    pub fn parse(text: &str) -> Result<Self, String> {
        let c = csscolorparser::parse(text.trim())
            .map_err(|e| format!("`{text}` is not a CSS colour ({e})"))?;
        Ok(Self { css: text.trim().to_owned(), rgb: [c.r, c.g, c.b] })
    }

    /// The colour as `#rrggbb`: what generated CSS uses, whatever syntax was written.
    pub fn to_css_hex(&self) -> String {
        let byte = |c: f32| (c.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("#{:02x}{:02x}{:02x}", byte(self.rgb[0]), byte(self.rgb[1]), byte(self.rgb[2]))
    }

    /// WCAG 2.x relative luminance.
    pub fn luminance(&self) -> f32 {
        let lin = |c: f32| if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
        0.2126 * lin(self.rgb[0]) + 0.7152 * lin(self.rgb[1]) + 0.0722 * lin(self.rgb[2])
    }

    /// WCAG contrast ratio between two colours (1.0 to 21.0).
    pub fn contrast(&self, other: &HexColor) -> f32 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }
}

impl<'de> Deserialize<'de> for HexColor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        HexColor::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `app.branding`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Branding {
    /// The logo shown in the expanded sidebar (URL or data: URI).
    pub full_logo: Option<String>,
    /// The logo shown in the collapsed sidebar.
    pub icon_logo: Option<String>,
    /// CSS width of the full logo.
    pub full_logo_width: Option<String>,
    /// Per-mode palettes.
    #[serde(default)]
    pub theme: ThemeModes,
    /// Portico token: the font stack.
    pub font_family: Option<String>,
    /// Portico token: the base corner radius (a CSS length).
    pub corner_radius: Option<String>,
    /// A CSS file appended after the built-in theme, path relative to the working directory.
    pub theme_css: Option<String>,
}

/// `app.branding.theme`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ThemeModes {
    /// Overrides for the light theme.
    #[serde(default)]
    pub light: ThemePalette,
    /// Overrides for the dark theme.
    #[serde(default)]
    pub dark: ThemePalette,
}

/// `app.branding.theme.<mode>`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThemePalette {
    /// RHDH's older shorthand for `palette.primary.main`.
    pub primary_color: Option<HexColor>,
    /// RHDH's older shorthand for `pageTheme.default.backgroundColor[0]`.
    pub header_color1: Option<HexColor>,
    /// RHDH's older shorthand for `pageTheme.default.backgroundColor[1]`.
    pub header_color2: Option<HexColor>,
    /// RHDH's older shorthand for `palette.navigation.indicator`.
    pub navigation_indicator_color: Option<HexColor>,
    /// The MUI-style palette.
    #[serde(default)]
    pub palette: Palette,
    /// Page header themes; `default` is the one Portico uses.
    #[serde(default)]
    pub page_theme: PageThemes,
}

/// `palette` (the subset Portico maps to tokens).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Palette {
    /// `primary.main`.
    pub primary: Option<MainColor>,
    /// `secondary.main`.
    pub secondary: Option<MainColor>,
    /// `navigation.*`.
    pub navigation: Option<Navigation>,
    /// `background.default` and `background.paper`.
    pub background: Option<Background>,
}

/// `{ main: <colour> }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MainColor {
    /// The colour.
    pub main: HexColor,
}

/// `palette.navigation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Navigation {
    /// The bar marking the current page.
    pub indicator: Option<HexColor>,
    /// The sidebar background.
    pub background: Option<HexColor>,
    /// Sidebar text.
    pub color: Option<HexColor>,
    /// Sidebar text of the current page.
    pub selected_color: Option<HexColor>,
}

/// `palette.background`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Background {
    /// The app background.
    pub default: Option<HexColor>,
    /// Cards and other surfaces.
    pub paper: Option<HexColor>,
}

/// `pageTheme`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PageThemes {
    /// The header theme used for every page.
    pub default: Option<PageTheme>,
}

/// `pageTheme.default`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct PageTheme {
    /// One colour, or a list for a gradient.
    pub background_color: PageThemeColor,
}

/// A header background: one colour or a gradient.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum PageThemeColor {
    /// A solid colour.
    Solid(HexColor),
    /// A left-to-right gradient.
    Gradient(Vec<HexColor>),
}

impl ThemePalette {
    /// The primary colour from either key shape.
    pub fn primary(&self) -> Option<&HexColor> {
        self.palette.primary.as_ref().map(|p| &p.main).or(self.primary_color.as_ref())
    }

    /// The navigation indicator from either key shape.
    pub fn nav_indicator(&self) -> Option<&HexColor> {
        self.palette
            .navigation
            .as_ref()
            .and_then(|n| n.indicator.as_ref())
            .or(self.navigation_indicator_color.as_ref())
    }

    /// The header background colours, from either key shape.
    pub fn header_colors(&self) -> Vec<&HexColor> {
        match self.page_theme.default.as_ref().map(|t| &t.background_color) {
            Some(PageThemeColor::Solid(c)) => vec![c],
            Some(PageThemeColor::Gradient(cs)) => cs.iter().collect(),
            None => self.header_color1.iter().chain(self.header_color2.iter()).collect(),
        }
    }
}

/// A brand colour that fails WCAG AA where it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct ContrastWarning {
    /// The config key, for example `app.branding.theme.dark.palette.primary.main`.
    pub key: String,
    /// The measured ratio.
    pub ratio: f32,
    /// The ratio WCAG AA asks for there.
    pub required: f32,
    /// What it was measured against.
    pub against: String,
}

/// The default surfaces of the built-in themes; `style/tokens.css` and
/// `style/themes/dark.css` define the same values (a tidy test checks).
pub(crate) const DEFAULT_SURFACES: [(&str, &str, &str); 2] =
    [("light", "#ffffff", "#171717"), ("dark", "#262626", "#121212")];

impl Branding {
    /// Every brand colour that fails WCAG 2.2 AA against its surface: 4.5:1
    /// for text-bearing colours, 3:1 for indicators (non-text contrast).
    pub fn contrast_warnings(&self) -> Vec<ContrastWarning> {
        let white = HexColor::parse("#ffffff").expect("literal colour");
        let mut out = Vec::new();
        for (mode, palette, (_, surface, nav_default)) in [
            ("light", &self.theme.light, DEFAULT_SURFACES[0]),
            ("dark", &self.theme.dark, DEFAULT_SURFACES[1]),
        ] {
            let surface = palette
                .palette
                .background
                .as_ref()
                .and_then(|b| b.paper.clone())
                .unwrap_or_else(|| HexColor::parse(surface).expect("literal colour"));
            let nav_bg = palette
                .palette
                .navigation
                .as_ref()
                .and_then(|n| n.background.clone())
                .unwrap_or_else(|| HexColor::parse(nav_default).expect("literal colour"));
            let base = format!("app.branding.theme.{mode}");
            let mut check =
                |key: String, colour: &HexColor, against: &HexColor, what: &str, required: f32| {
                    let ratio = colour.contrast(against);
                    if ratio < required {
                        out.push(ContrastWarning {
                            key,
                            ratio,
                            required,
                            against: format!("{what} {}", against.css),
                        });
                    }
                };
            if let Some(primary) = palette.primary() {
                check(
                    format!("{base}.palette.primary.main"),
                    primary,
                    &surface,
                    "the surface",
                    4.5,
                );
            }
            if let Some(ind) = palette.nav_indicator() {
                check(
                    format!("{base}.palette.navigation.indicator"),
                    ind,
                    &nav_bg,
                    "the sidebar",
                    3.0,
                );
            }
            for (i, c) in palette.header_colors().into_iter().enumerate() {
                check(
                    format!("{base}.pageTheme.default.backgroundColor[{i}]"),
                    c,
                    &white,
                    "header text",
                    4.5,
                );
            }
        }
        out
    }
}
