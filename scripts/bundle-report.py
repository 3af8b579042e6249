#!/usr/bin/python3
"""Bytes the browser fetches for the first page of each route.

Reads the split build in PKG_DIR (tenantry.js, tenantry.wasm, the split
loader and `__wasm_split_manifest.json`, which maps each lazy function to the
chunks it needs) and the route table in PAGES (app/src/pages/mod.rs:
`<Route path=path!("/x") view={Lazy::<XRoute>::new()} ...>` and
`lazy_page!(XRoute, XPage, x_page)`). A route's first
page costs the shared files plus its view's chunks; everything is counted
raw and with brotli at quality 11, the level a server or CDN precompresses
static files with.

Usage: bundle-report.py PKG_DIR PAGES
"""

import json
import pathlib
import re
import sys

import brotli


def sizes(path):
    data = path.read_bytes()
    return len(data), len(brotli.compress(data, quality=11))


def main():
    pkg = pathlib.Path(sys.argv[1])
    pages = pathlib.Path(sys.argv[2]).read_text()
    manifest = json.loads(next(pkg.glob("__wasm_split_manifest*.json")).read_text())
    shared = [pkg / "tenantry.js", pkg / "tenantry.wasm", *pkg.glob("__wasm_split*.js")]
    shared_raw = shared_br = 0
    for path in shared:
        raw, br = sizes(path)
        shared_raw += raw
        shared_br += br
        print(f"shared  {path.name:<44} {raw:>10,} B {br:>9,} B brotli")
    chunks = {}
    for path in pkg.glob("*.wasm"):
        if path.name != "tenantry.wasm":
            chunks[path.stem] = sizes(path)
    lazy_raw = sum(raw for raw, _ in chunks.values())
    lazy_br = sum(br for _, br in chunks.values())
    print(f"lazy    {len(chunks)} chunks{'':<35} {lazy_raw:>10,} B {lazy_br:>9,} B brotli")
    print()
    print(f"{'route':<22} {'first page, raw':>16} {'brotli':>10}   (the page's own chunks, brotli)")
    views = dict(re.findall(r"lazy_page!\(\s*(\w+),\s*\w+,\s*(\w+),?\s*\);", pages))
    routes = re.findall(r'<Route path=path!\("([^"]*)"\) view=\{Lazy::<(\w+)>::new\(\)\}', pages)
    # `/` is a different page on each host (`App`'s `home`).
    routes[:0] = [("/ (apex)", "SignUpRoute"), ("/ (organization)", "TenantHomeRoute")]
    for path, route in routes:
        # The split is named after the lazy function, plus a hash.
        prefix = views[route] + "_"
        names = [name for name in manifest if name.startswith(prefix) and name[len(prefix):].isdigit()]
        if len(names) != 1:
            sys.exit(f"{route}: expected one split named {prefix}N, found {names}")
        deps = manifest[names[0]]
        missing = [dep for dep in deps if dep not in chunks]
        if missing:
            sys.exit(f"{route}: chunks {missing} are not in {pkg}")
        raw = shared_raw + sum(chunks[dep][0] for dep in deps)
        br = shared_br + sum(chunks[dep][1] for dep in deps)
        own = br - shared_br
        print(f"{path:<22} {raw:>14,} B {br:>8,} B   ({len(deps)} files, {own:,} B)")


if __name__ == "__main__":
    main()
