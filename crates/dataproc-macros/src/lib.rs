//! Compile-time class rules for dataproc processors (the seed's `ProcessorMeta`).
//!
//! The Python seed checks three rules in a metaclass when a processor class is created:
//! the class implements `process`, defines `PROCESSOR_TYPE`, and has a name ending in
//! `Processor`. Here the attribute macro [`macro@processor`] checks the same rules on an
//! `impl Processor for X { .. }` block while the crate compiles. A block that breaks a
//! rule is replaced by a `compile_error!` carrying the seed's wording, so the broken
//! processor never exists. A block that passes is emitted unchanged, followed by an
//! `inventory::submit!` that registers the processor under its type tag — the CLI finds a
//! new processor the moment it is written, with no hand-kept list.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::{ImplItem, ItemImpl, Type, parse_macro_input};

/// Checks the seed's three class rules on an `impl Processor for NameProcessor` block and
/// registers the processor.
///
/// The rules, in the seed's order, each failing with the seed's message:
/// 1. `process` is implemented — "Class {name} must implement 'process' method";
/// 2. `PROCESSOR_TYPE` is defined — "Class {name} must define 'PROCESSOR_TYPE' class attribute";
/// 3. the type name ends in `Processor` — "Class {name} must end with 'Processor'".
///
/// The trait itself (the seed's abstract `DataProcessor`) is never annotated, so it is
/// exempt, as the abstract base is in the seed.
#[proc_macro_attribute]
pub fn processor(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        let err = syn::Error::new(
            Span::call_site(),
            "#[processor] takes no arguments; set PROCESSOR_TYPE and DESCRIPTION in the impl",
        );
        return err.to_compile_error().into();
    }
    let block = parse_macro_input!(item as ItemImpl);
    match check(&block) {
        Ok(name) => register(&block, &name).into(),
        Err(err) => err.to_compile_error().into(),
    }
}

/// The seed's rules, checked in the seed's order.
fn check(block: &ItemImpl) -> syn::Result<String> {
    let Some((_, trait_path, _)) = &block.trait_ else {
        return Err(syn::Error::new_spanned(
            &block.self_ty,
            "#[processor] goes on an `impl Processor for NameProcessor` block",
        ));
    };
    let trait_is_processor = trait_path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "Processor");
    if !trait_is_processor {
        return Err(syn::Error::new_spanned(
            trait_path,
            "#[processor] goes on an `impl Processor for NameProcessor` block",
        ));
    }
    let name = type_name(&block.self_ty)?;
    let has_process = block
        .items
        .iter()
        .any(|item| matches!(item, ImplItem::Fn(f) if f.sig.ident == "process"));
    if !has_process {
        return Err(syn::Error::new_spanned(
            &block.self_ty,
            format!("Class {name} must implement 'process' method"),
        ));
    }
    let has_type = block
        .items
        .iter()
        .any(|item| matches!(item, ImplItem::Const(c) if c.ident == "PROCESSOR_TYPE"));
    if !has_type {
        return Err(syn::Error::new_spanned(
            &block.self_ty,
            format!("Class {name} must define 'PROCESSOR_TYPE' class attribute"),
        ));
    }
    if !name.ends_with("Processor") {
        return Err(syn::Error::new_spanned(
            &block.self_ty,
            format!("Class {name} must end with 'Processor'"),
        ));
    }
    Ok(name)
}

/// The last path segment of the implementing type, e.g. `NumericProcessor`.
fn type_name(ty: &Type) -> syn::Result<String> {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
            .ok_or_else(|| syn::Error::new_spanned(ty, "#[processor] needs a named type")),
        _ => Err(syn::Error::new_spanned(
            ty,
            "#[processor] needs a named type (a struct or enum)",
        )),
    }
}

/// The impl block unchanged, plus its entry in the registry.
fn register(block: &ItemImpl, name: &str) -> proc_macro2::TokenStream {
    let ty = &block.self_ty;
    quote! {
        #block

        ::dataproc::inventory::submit! {
            ::dataproc::ProcessorEntry::of::<#ty>(#name)
        }
    }
}
