# SPDX-License-Identifier: BSD-3-Clause
"""static_archive: one .a holding every object of our own libraries.

Bazel's cc_library outputs hold only each library's own objects; an installed
librsm.a must hold the whole of rsm/ and transport/. This rule walks the
dependencies' link inputs and merges the archives of this workspace's
libraries (the system libraries come from pkg-config wrappers with no
archives, and stay out: rsm.pc's Requires.private names them).
"""

def _static_archive_impl(ctx):
    archives = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            if linker_input.owner.workspace_name != "":
                continue
            for library in linker_input.libraries:
                # PIC objects, so the archive also links into PIE executables.
                archive = library.pic_static_library or library.static_library
                if archive:
                    archives.append(archive)
    if not archives:
        fail("static_archive: no archives found in deps")
    out = ctx.actions.declare_file(ctx.attr.out)
    script = "CREATE {}\n{}SAVE\nEND\n".format(
        out.path,
        "".join(["ADDLIB {}\n".format(a.path) for a in archives]),
    )
    ctx.actions.run_shell(
        inputs = archives,
        outputs = [out],
        command = "printf '%s' \"$1\" | ar -M",
        arguments = [script],
        mnemonic = "StaticArchive",
        progress_message = "Merging archives into {}".format(out.short_path),
    )
    return [DefaultInfo(files = depset([out]))]

static_archive = rule(
    implementation = _static_archive_impl,
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "out": attr.string(mandatory = True),
    },
)
