//! Procedural macros for the `concepts` crate: the compile-time halves of the seed's
//! metaclass chapter.
//!
//! A Python metaclass runs when a class statement is executed and can inspect, change or
//! reject the class. A Rust procedural macro runs when the crate is compiled and can do the
//! same to the items it is attached to — but its verdict arrives before the program exists.
//!
//! | macro | seed file | what it does |
//! |---|---|---|
//! | [`macro@debug_class`] | `MetaClasses/custom_metaclasses.py` (function metaclass) | records a type's name, traits, fields and methods as a constant readable at run time |
//! | [`macro@coding_standards`] | `MetaClasses/coding_standards.py` | rejects constants not in UPPER_CASE and methods not in snake_case, with the seed's wording |
//! | [`macro@AutoRegister`] | `MetaClasses/auto_registering.py` | registers a plugin type in a registry (through `inventory`) without a hand-kept list |
//!
//! The generated code names the runtime crate as `::concepts`, which the `concepts` crate
//! makes valid inside itself with `extern crate self as concepts;`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, ImplItem, Item, ItemImpl, ItemMod, parse_macro_input};

/// Records what an inline module declares about its type, the way the seed's function
/// metaclass printed the class name, bases and attribute names while the class was created.
///
/// Put it on an inline `mod` holding one struct (or enum) and its `impl` blocks. The module
/// comes out unchanged, plus an implementation of `concepts::metaclasses::debug_class::Described`
/// whose `CLASS` constant holds the type's name, the traits it derives (`#[derive(...)]`)
/// and implements in the module (the Rust counterpart of bases), its fields and its methods
/// — all gathered at compile time. Only `impl` blocks whose self type is the described type
/// are counted; impls written outside the module are not seen.
#[proc_macro_attribute]
pub fn debug_class(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return syn::Error::new(
            TokenStream2::from(attr).span(),
            "#[debug_class] takes no arguments",
        )
        .to_compile_error()
        .into();
    }
    let module = parse_macro_input!(item as ItemMod);
    match expand_debug_class(module) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand_debug_class(mut module: ItemMod) -> syn::Result<TokenStream2> {
    let Some((_, items)) = module.content.as_mut() else {
        return Err(syn::Error::new(
            module.span(),
            "#[debug_class] needs an inline module: `mod name { struct ...; impl ... }`",
        ));
    };
    let mut type_name: Option<syn::Ident> = None;
    let mut fields = Vec::new();
    let mut derives = Vec::new();
    for item in items.iter() {
        let (ident, item_fields, attrs) = match item {
            Item::Struct(s) => (s.ident.clone(), field_names(&s.fields), &s.attrs),
            Item::Enum(e) => (
                e.ident.clone(),
                e.variants.iter().map(|v| v.ident.to_string()).collect(),
                &e.attrs,
            ),
            _ => continue,
        };
        if type_name.is_some() {
            return Err(syn::Error::new(
                ident.span(),
                "#[debug_class] describes one type per module; move this one out",
            ));
        }
        type_name = Some(ident);
        fields = item_fields;
        derives = derived_traits(attrs)?;
    }
    let Some(type_name) = type_name else {
        return Err(syn::Error::new(
            module.ident.span(),
            "#[debug_class] found no struct or enum in this module",
        ));
    };
    let mut traits = Vec::new();
    let mut methods = Vec::new();
    for item in items.iter() {
        let Item::Impl(imp) = item else { continue };
        if !implements_for(imp, &type_name) {
            continue;
        }
        if let Some((_, path, _)) = &imp.trait_ {
            let name = path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            traits.push(name);
        }
        for member in &imp.items {
            if let ImplItem::Fn(f) = member {
                methods.push(f.sig.ident.to_string());
            }
        }
    }
    let name = type_name.to_string();
    items.push(syn::parse_quote! {
        impl ::concepts::metaclasses::debug_class::Described for #type_name {
            const CLASS: ::concepts::metaclasses::debug_class::ClassInfo =
                ::concepts::metaclasses::debug_class::ClassInfo {
                    name: #name,
                    derives: &[#(#derives),*],
                    traits: &[#(#traits),*],
                    fields: &[#(#fields),*],
                    methods: &[#(#methods),*],
                };
        }
    });
    Ok(module.into_token_stream())
}

/// The last path segment of every trait in the type's `#[derive(...)]` attributes, in order.
fn derived_traits(attrs: &[syn::Attribute]) -> syn::Result<Vec<String>> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                names.push(last.ident.to_string());
            }
            Ok(())
        })?;
    }
    Ok(names)
}

/// Whether an `impl` block is for the described type (`impl X`, `impl<T> Trait for X<T>`).
fn implements_for(imp: &ItemImpl, type_name: &syn::Ident) -> bool {
    match imp.self_ty.as_ref() {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == *type_name),
        _ => false,
    }
}

fn field_names(fields: &Fields) -> Vec<String> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.ident
                .as_ref()
                .map_or_else(|| i.to_string(), ToString::to_string)
        })
        .collect()
}

/// Enforces the seed's naming standard on an `impl` block, at compile time.
///
/// The seed's metaclass raised `NameError` when a public class attribute holding a constant
/// was not upper case or a method was not snake case. This attribute checks every associated
/// `const` and `fn` of the block and turns each violation into a compile error with the
/// seed's exact `NameError` text: `Constant name should be in upper case.`,
/// `Method badHabit should be snake case.` Names starting with `_` are skipped, as the seed
/// skipped private names.
#[proc_macro_attribute]
pub fn coding_standards(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return syn::Error::new(
            TokenStream2::from(attr).span(),
            "#[coding_standards] takes no arguments",
        )
        .to_compile_error()
        .into();
    }
    let mut block = parse_macro_input!(item as ItemImpl);
    let mut errors: Option<syn::Error> = None;
    let mut report = |e: syn::Error| match errors.as_mut() {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for member in &block.items {
        let (ident, message) = match member {
            ImplItem::Const(c) if !is_upper_case(&c.ident.to_string()) => (
                &c.ident,
                format!("Constant {} should be in upper case.", c.ident),
            ),
            ImplItem::Fn(f) if !is_snake_case(&f.sig.ident.to_string()) => (
                &f.sig.ident,
                format!("Method {} should be snake case.", f.sig.ident),
            ),
            _ => continue,
        };
        if is_checked(&ident.to_string()) {
            report(syn::Error::new(ident.span(), message));
        }
    }
    match errors {
        None => block.into_token_stream().into(),
        Some(e) => {
            // Our error already names the problem; keep rustc's own naming lints quiet.
            block
                .attrs
                .push(syn::parse_quote!(#[allow(non_snake_case, non_upper_case_globals)]));
            let errors = e.to_compile_error();
            quote!(#errors #block).into()
        }
    }
}

/// Python's `str.islower()`, the seed's snake-case test: at least one cased character, and
/// every cased character lower case (`habit`, `get_data2`; not `badHabit`).
fn is_snake_case(name: &str) -> bool {
    name.chars().any(char::is_alphabetic) && !name.chars().any(char::is_uppercase)
}

/// Python's `str.isupper()`, the seed's upper-case test: at least one cased character, and
/// every cased character upper case (`NAME`, `MAX_2`; not `name`, `Max`).
fn is_upper_case(name: &str) -> bool {
    name.chars().any(char::is_alphabetic) && !name.chars().any(char::is_lowercase)
}

/// The seed checks only public names: those not starting with `_`.
fn is_checked(name: &str) -> bool {
    !name.starts_with('_')
}

/// Registers a plugin type in `concepts::metaclasses::auto_registering`'s registry.
///
/// The seed's metaclass added every subclass to a dictionary as the class was created.
/// Deriving `AutoRegister` submits the type's name and a constructor (its `Default`) to an
/// `inventory` collection, so the registry is complete without anyone keeping a list. The
/// type must implement `Default` and the chapter's `Plugin` trait; both are checked by the
/// compiler where the derive is written.
#[proc_macro_derive(AutoRegister)]
pub fn auto_register(item: TokenStream) -> TokenStream {
    let input = parse_macro_input!(item as DeriveInput);
    if !input.generics.params.is_empty() {
        return syn::Error::new(
            input.generics.span(),
            "AutoRegister needs a concrete type: a generic type has no single name to register",
        )
        .to_compile_error()
        .into();
    }
    let ident = &input.ident;
    let name = ident.to_string();
    quote! {
        ::concepts::__private::inventory::submit! {
            ::concepts::metaclasses::auto_registering::Registration::new(
                #name,
                || ::std::boxed::Box::new(<#ident as ::std::default::Default>::default()),
            )
        }
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::{is_checked, is_snake_case, is_upper_case};

    #[test]
    fn naming_rules_follow_the_seed() {
        // Python's str.islower() / str.isupper(), as the seed's metaclass calls them.
        assert!(is_snake_case("habit"));
        assert!(is_snake_case("get_data"));
        assert!(is_snake_case("step2"));
        assert!(!is_snake_case("badHabit"));
        assert!(!is_snake_case("GetData"));
        assert!(!is_snake_case("_2"));
        assert!(is_upper_case("NAME"));
        assert!(is_upper_case("MAX_SIZE_2"));
        assert!(!is_upper_case("name"));
        assert!(!is_upper_case("Max_Size"));
        // Names starting with `_` are not checked at all.
        assert!(is_checked("habit"));
        assert!(!is_checked("_Anything"));
    }
}
