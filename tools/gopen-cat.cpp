// gopen-cat: open files whatever their compression and concatenate their lines (the
// tutorial's gen_open + gen_cat). The work is libpipe::open_cat (open_cat.hpp).
#include <unistd.h>

#include "libpipe/open_cat.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

int main(int argc, char** argv) {
  return libpipe::run_tool("gopen-cat", [&](libpipe::Diagnostics& diag) {
    libpipe::OpenCatOptions opt;
    auto app = libpipe::make_app(
        "gopen-cat",
        "Write the lines of each FILE, decompressed: gzip, bzip2, xz and zstd are recognised by\n"
        "their magic bytes (every member or stream of a file), anything else is plain text.\n"
        "With no FILE, read the names of the files from standard input, one per line, so that\n"
        "`gfind 'access-log*' www | gopen-cat` works; - as a FILE is data on standard input.\n"
        "A damaged file is reported after its last good line, and the next file follows.");
    app->add_option("FILE", opt.files, "Files to read; - is standard input")->type_name("");
    app->add_flag("-0,--null", opt.null_separated,
                  "Names on standard input are separated by NUL bytes (gfind -0, find -print0)");
    app->add_flag("-H,--with-filename", opt.with_filename, "Prefix each line with its file name and a tab");
    app->add_option("-j,--jobs", opt.jobs, "Decompress N files at once, output in order (default 1)")
        ->type_name("N")
        ->check(CLI::Range(1u, 256u));
    libpipe::parse_command_line(*app, argc, argv);

    libpipe::Output out(STDOUT_FILENO);
    libpipe::open_cat(opt, out, diag);
    out.flush();
    return diag.exit_status();
  });
}
