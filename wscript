#! /usr/bin/env python3
# wscript: builds libcrosspipe (models/), the crosspipe program, the modules loaded on demand
# (plugin/crosspipe-ns3.so, plugin/crosspipe-z3.so, plugin/crosspipe-cbc.so: see models/base/module.h)
# and the TAP tests; `check` runs them through prove. `configure --sanitize` adds an ASan+UBSan
# variant (build_sanitize, check_sanitize) with its own program, modules and tests.
#
# Sources are listed explicitly, as ns-3's module wscripts do; a .c file under models/ that no
# list names stops the build. Tests (tests/*_test.c, tests/*.t) and benchmarks (tests/bench/*.c)
# are picked up by name.
import os
from waflib import Build, Context, Logs, Utils

APPNAME = 'crosspipe'
VERSION = '0.1.0'
top = '.'
out = 'build'

WARNINGS = ['-Wall', '-Wextra', '-Werror', '-Wshadow', '-Wstrict-prototypes']
LIBS = ['YAML', 'GSL', 'M']  # what libcrosspipe needs; Z3, CBC and ns-3 only in their modules

LIB_SOURCES = [
    'models/base/io.c', 'models/base/json.c', 'models/base/module.c', 'models/base/progress.c',
    'models/base/status.c', 'models/base/units.c', 'models/base/version.c',
    'models/engine/analytic.c', 'models/engine/analytic_dc.c', 'models/engine/engine.c', 'models/engine/evaluator.c',
    'models/engine/exec.c', 'models/engine/exec_p2p.c', 'models/engine/iterations.c',
    'models/engine/link_trace.c', 'models/engine/robust.c',
    'models/output/common.c', 'models/output/csv.c', 'models/output/gantt.c',
    'models/output/json.c', 'models/output/json_scenario.c', 'models/output/result.c', 'models/output/table.c',
    'models/output/timeline.c', 'models/output/trace.c',
    'models/scenario/cluster.c', 'models/scenario/layout.c', 'models/scenario/memory.c',
    'models/scenario/scenario.c', 'models/scenario/scenario_bound.c',
    'models/scenario/scenario_background.c', 'models/scenario/scenario_model.c',
    'models/scenario/scenario_packet.c', 'models/scenario/scenario_pairs.c',
    'models/scenario/scenario_read.c', 'models/scenario/scenario_trace.c',
    'models/scenario/scenario_variants.c', 'models/scenario/scenario_wan.c',
    'models/scenario/scenario_yaml.c',
    'models/scenario/transformer.c',
    'models/plan/plan.c', 'models/plan/plan_bound.c', 'models/plan/plan_load.c',
    'models/plan/plan_ref.c', 'models/plan/plan_space.c',
    'models/schedule/block_cost.c', 'models/schedule/schedule.c',
    'models/schedule/schedule_check.c', 'models/schedule/schedule_file.c',
    'models/schedule/schedule_lex.c',
    'models/schedule/schedule_torch.c', 'models/schedule/schedule_torch_read.c',
    'models/schedule/schedule_torch_comms.c', 'models/schedule/schedule_torch_fsdp.c',
    'models/schedule/schedule_torch_write.c',
    'models/schedules/1f1b.c', 'models/schedules/gen.c', 'models/schedules/gpipe.c',
    'models/schedules/greedy.c', 'models/schedules/greedy_local.c',
    'models/schedules/greedy_post.c', 'models/schedules/greedy_rules.c',
    'models/schedules/greedy_search.c', 'models/schedules/interleaved.c',
    'models/schedules/registry.c', 'models/schedules/replan.c', 'models/schedules/select.c',
    'models/schedules/zbh1.c',
    'models/schedules/dualpipev.c', 'models/schedules/vmem.c', 'models/schedules/zbh2.c', 'models/schedules/zbv.c',
    'models/solver/instance.c', 'models/solver/link_bound.c', 'models/solver/memory_bound.c', 'models/solver/methods.c', 'models/solver/model.c',
    'models/solver/optimal.c', 'models/solver/polish.c', 'models/solver/orders.c',
    'models/sweep/sweep.c', 'models/sweep/sweep_axes.c', 'models/sweep/sweep_check.c',
    'models/sweep/sweep_collect.c', 'models/sweep/sweep_files.c', 'models/sweep/sweep_index.c',
    'models/sweep/sweep_manifest.c', 'models/sweep/sweep_row.c', 'models/sweep/sweep_run.c',
]
CLI_SOURCES = [
    'models/cli/common.c', 'models/cli/list.c', 'models/cli/main.c', 'models/cli/options.c',
    'models/cli/plan.c', 'models/cli/plan_jobs.c', 'models/cli/plan_out.c', 'models/cli/run.c', 'models/cli/slurm.c', 'models/cli/sweep.c', 'models/cli/validate.c',
]
# module name -> (sources, the libraries it links); each becomes plugin/crosspipe-<name>.so
MODULES = {
    'ns3': (['plugin/connection.cc', 'plugin/dynamics.cc', 'plugin/network.cc',
             'plugin/packet.c', 'plugin/packet_dp.c', 'plugin/packet_net.c',
             'plugin/packet_setup.c', 'plugin/packet_wan.c', 'plugin/simulator.cc',
             'plugin/stats.cc'], ['NS3']),
    'z3': (['models/solver/z3.c'], ['Z3']),
    'cbc': (['models/solver/cbc.c'], ['CBC']),
}
LTO = ['-flto=auto', '-ffat-lto-objects']
SANITIZE = ['-fsanitize=address,undefined', '-fno-omit-frame-pointer',
            '-fno-sanitize-recover=all']


NS3_PACKAGES = ['ns3-core', 'ns3-network', 'ns3-internet', 'ns3-point-to-point',
                'ns3-applications', 'ns3-traffic-control', 'ns3-flow-monitor']
CXXFLAGS = ['-std=c++17', '-O2', '-g', '-Wall', '-Wextra', '-Werror']


def options(opt):
    opt.load('compiler_c')
    opt.load('compiler_cxx')
    opt.add_option('--without-ns3', action='store_true', default=False,
                   help='do not build the packet engine even if ns-3 is installed')
    opt.add_option('--sanitize', action='store_true', default=False,
                   help='also configure an AddressSanitizer + UBSan build (build/sanitize)')
    opt.add_option('--fuzz', action='store_true', default=False,
                   help='also configure the libFuzzer harnesses, built with clang (build/fuzz)')


def configure(cnf):
    cnf.load('compiler_c')
    # -fPIC: the modules link the same library objects as the program; without semantic
    # interposition the compiler still inlines and specialises calls within a file, as for -fPIE
    cnf.env.append_value('CFLAGS', ['-std=c11', '-O2', '-g', '-D_GNU_SOURCE', '-fPIC',
                                    '-fno-semantic-interposition'] + WARNINGS + LTO)
    # the program and the engine benchmark are linked with link-time optimisation (the engine's hot
    # loop calls small functions of other files: 10-25% faster, docs/benchmarks.md); the tests
    # and modules link the ordinary code that the fat objects also hold
    cnf.env.LTO_LINKFLAGS = ['-flto=auto']
    cnf.check_cfg(package='yaml-0.1', uselib_store='YAML', args=['--cflags', '--libs'])
    cnf.check_cfg(package='gsl', uselib_store='GSL', args=['--cflags', '--libs'])
    cnf.check(lib='m', uselib_store='M')
    # the exact solvers of the adaptive schedules: COIN-OR CBC (MILP) and Z3 (SMT/optimisation)
    cnf.check_cfg(package='cbc', uselib_store='CBC', args=['--cflags', '--libs'])
    cnf.check_cfg(package='z3', uselib_store='Z3', args=['--cflags', '--libs'])
    for lib in ('CBC', 'Z3'):  # third-party headers are not ours to warn about
        cnf.env['INCLUDES_' + lib], cnf.env['CFLAGS_' + lib] = [], [
            '-isystem' + i for i in cnf.env['INCLUDES_' + lib]] + cnf.env['CFLAGS_' + lib]
    configure_ns3(cnf)
    cnf.env.VERSION = describe_version(cnf)
    cnf.find_program('prove', var='PROVE', mandatory=False)
    if cnf.options.sanitize:
        base = cnf.env
        cnf.setenv('sanitize', base.derive())
        cnf.env.CFLAGS = [f for f in cnf.env.CFLAGS if f not in LTO]
        cnf.env.LTO_LINKFLAGS = []
        cnf.env.append_value('CFLAGS', SANITIZE)
        cnf.env.append_value('CXXFLAGS', SANITIZE)
        cnf.env.append_value('LINKFLAGS', SANITIZE)
        cnf.env.SANITIZE = True
        cnf.setenv('')
    configure_fuzz(cnf)


def configure_ns3(cnf):
    """The packet engine (plugin/) is optional: built when ns-3 and a C++ compiler are found."""
    cnf.env.HAVE_NS3 = False
    if cnf.options.without_ns3:
        cnf.msg('Packet engine (ns-3)', 'disabled by --without-ns3', color='YELLOW')
        return
    try:
        cnf.load('compiler_cxx')
        cnf.check_cfg(package=' '.join(NS3_PACKAGES), uselib_store='NS3',
                      args=['--cflags', '--libs'], msg='Checking for ns-3 (%s)' % NS3_PACKAGES[0])
    except cnf.errors.ConfigurationError:
        cnf.msg('Packet engine (ns-3)', 'not built: ns-3 or g++ not found', color='YELLOW')
        return
    # Debian's .pc files carry a stray "-I/usr;" token; ns-3's headers are not ours to warn about
    incs = [i for i in cnf.env.INCLUDES_NS3 if not i.rstrip('\\;').endswith('/usr') and ';' not in i]
    cnf.env.INCLUDES_NS3 = []
    cnf.env.CXXFLAGS_NS3 = ['-isystem' + i for i in incs] + [
        f for f in cnf.env.CXXFLAGS_NS3 if ';' not in f]
    cnf.env.CFLAGS_NS3 = []
    cnf.env.LIB_NS3 = sorted(set(cnf.env.LIB_NS3), key=cnf.env.LIB_NS3.index) + ['stdc++']
    cnf.env.append_value('CXXFLAGS', CXXFLAGS)
    cnf.env.HAVE_NS3 = True
    cnf.msg('Packet engine (ns-3)', 'yes')


def describe_version(cnf):
    """The release number plus `git describe` (fixed at configure time)."""
    try:
        rev = cnf.cmd_and_log(['git', 'describe', '--always', '--dirty', '--tags'],
                              cwd=cnf.path.abspath(), quiet=Context.BOTH).strip()
        return '%s+%s' % (VERSION, rev) if rev else VERSION
    except Exception:
        return VERSION


def build(bld):
    if bld.variant == 'sanitize' and not bld.env.SANITIZE:
        bld.fatal('the sanitizer build is not configured: run ./waf configure --sanitize')
    if bld.variant == 'fuzz':
        return build_fuzz(bld)
    check_sources_listed(bld)
    module_dir = os.path.join(bld.env.LIBDIR or os.path.join(bld.env.PREFIX, 'lib'), 'crosspipe')
    bld.env.append_value('DEFINES', ['XP_VERSION="%s"' % bld.env.VERSION,
                                     'XP_MODULE_DIR="%s"' % module_dir])
    bld.stlib(source=LIB_SOURCES, target='xp', includes='models', export_includes='models',
              use=LIBS)
    build_modules(bld, module_dir)
    bld.program(source=CLI_SOURCES, target='crosspipe', use=['xp'] + LIBS,
                linkflags=bld.env.LTO_LINKFLAGS)
    bld.stlib(source=['tests/tap.c', 'tests/fixture.c', 'tests/oracle.c', 'tests/json_check.c'],
              target='testlib', includes='tests', export_includes='tests', use='xp')
    for src in bld.path.ant_glob('tests/*_test.c'):
        name = src.name[:-len('_test.c')]
        if name.startswith('packet_') and not bld.env.HAVE_NS3:
            continue  # the packet engine is not built; tests/packet*.t say so
        # the modules are opened at run time (from build/plugin/, found as ../plugin/)
        bld.program(source=[src], target='tests/%s.t' % name, use=['testlib', 'xp'] + LIBS,
                    install_path=None)
    for src in bld.path.ant_glob('tests/bench/*.c'):
        # the engine benchmark is the program's yardstick: built as the program is
        lto = bld.env.LTO_LINKFLAGS if src.name == 'engine.c' else []
        bld.program(source=[src], target='bench/%s' % src.name[:-2], use=['testlib', 'xp'] + LIBS,
                    install_path=None, linkflags=lto)
    if bld.cmd.startswith('check'):
        bld.add_post_fun(run_prove)


def build_modules(bld, module_dir):
    """plugin/crosspipe-<name>.so: the module's sources, its own copy of the library objects it
    uses (hidden), and its third-party libraries; only xp_module_<name> is exported."""
    symbols = bld.path.find_node('plugin/module.map')
    for name, (sources, libs) in sorted(MODULES.items()):
        if name == 'ns3' and not bld.env.HAVE_NS3:
            continue
        cxx = any(src.endswith('.cc') for src in sources)
        target = 'plugin/crosspipe-' + name
        tg = bld(features='c cxx cxxshlib' if cxx else 'c cshlib', source=sources, target=target,
                 includes='plugin models', use=['xp'] + libs + LIBS, install_path=module_dir,
                 linkflags=['-Wl,--version-script=' + symbols.abspath()] +
                 ([] if bld.env.SANITIZE else ['-Wl,-z,defs']))  # ASan leaves its symbols open
        tg.env[('cxxshlib' if cxx else 'cshlib') + '_PATTERN'] = '%s.so'
        bld.add_manual_dependency(bld.path.find_or_declare(target + '.so'), symbols)


def check_sources_listed(bld):
    """Every source under models/ and plugin/ must be in a list: an unlisted file would silently
    not be built."""
    listed = set(LIB_SOURCES + CLI_SOURCES + [s for srcs, _ in MODULES.values() for s in srcs])
    found = [n.path_from(bld.path)
             for n in bld.path.ant_glob('models/**/*.c plugin/*.c plugin/*.cc')]
    missing = sorted(f for f in found if f not in listed)
    if missing:
        bld.fatal('source files not listed in the wscript (LIB_SOURCES, CLI_SOURCES or '
                  'MODULES): %s' % ' '.join(missing))


def run_prove(bld):
    """Run every TAP test: the compiled ones in the build folder and the shell ones in tests/."""
    out = bld.bldnode.abspath()
    tests = sorted(bld.bldnode.ant_glob('tests/*.t'), key=lambda n: n.name)
    tests += sorted(bld.srcnode.ant_glob('tests/*.t'), key=lambda n: n.name)
    env = dict(os.environ)
    env['XP_BUILD'] = out
    env['XP_BIN'] = os.path.join(out, 'crosspipe')
    env['XP_TOP'] = bld.srcnode.abspath()
    env['XP_HAVE_NS3'] = '1' if bld.env.HAVE_NS3 else '0'
    env['XP_SANITIZE'] = '1' if bld.env.SANITIZE else '0'
    env['CROSSPIPE_MODULE_DIR'] = os.path.join(out, 'plugin')  # this variant's modules
    if bld.env.SANITIZE:
        env['ASAN_OPTIONS'] = 'detect_leaks=1:abort_on_error=0'
        env['UBSAN_OPTIONS'] = 'print_stacktrace=1:halt_on_error=1'
    prove = bld.env.PROVE[0] if bld.env.PROVE else 'prove'
    # --exec '' runs every test as a program: compiled ones directly, scripts by their #! line.
    cmd = [prove, '--exec', '', '-j2'] + [t.abspath() for t in tests]
    Logs.info('running %d test programs through prove', len(tests))
    ret = Utils.subprocess.call(cmd, env=env, cwd=bld.srcnode.abspath())
    if ret:
        bld.fatal('tests failed')


class check(Build.BuildContext):
    """build, then run every test through prove"""
    cmd = 'check'


class build_sanitize(Build.BuildContext):
    """build the ASan+UBSan variant (after configure --sanitize)"""
    cmd = 'build_sanitize'
    variant = 'sanitize'


class check_sanitize(Build.BuildContext):
    """build the ASan+UBSan variant and run every test in it"""
    cmd = 'check_sanitize'
    variant = 'sanitize'


# ---- fuzzing (tests/fuzz/): `configure --fuzz` adds a clang variant with the library rebuilt
# for libFuzzer (a gcc-built libxp.a carries no coverage); `build_fuzz` builds one fuzzer per
# tests/fuzz/*_fuzz.c, `fuzz` also runs each for XP_FUZZ_SECONDS (default 45) through
# tests/fuzz/run, which fails on a finding and prints the reproducer's path.
FUZZ_FLAGS = ['-fsanitize=fuzzer-no-link,address,undefined', '-fno-sanitize-recover=all',
              '-fno-omit-frame-pointer']
FUZZ_LINK = ['-fsanitize=fuzzer,address,undefined']


def configure_fuzz(cnf):
    if not cnf.options.fuzz:
        return
    base = cnf.env
    cnf.setenv('fuzz', base.derive())
    cnf.find_program(['clang-14', 'clang'], var='FUZZ_CC')
    cnf.env.CC = cnf.env.LINK_CC = cnf.env.FUZZ_CC
    # gcc's -Werror build keeps the warnings clean; clang's extra ones do not stop fuzzing
    cnf.env.CFLAGS = ['-std=c11', '-O1', '-g', '-D_GNU_SOURCE'] + [
        w for w in WARNINGS if w != '-Werror'] + FUZZ_FLAGS
    cnf.env.LINKFLAGS = FUZZ_LINK
    cnf.env.LTO_LINKFLAGS = []
    cnf.env.FUZZ = True
    cnf.setenv('')


def build_fuzz(bld):
    if not bld.env.FUZZ:
        bld.fatal('the fuzz build is not configured: run ./waf configure --fuzz')
    # the library without its modules: the harnesses never reach ns-3, and a solver they ask for
    # reports that its module is missing (a clean error, which the harnesses accept)
    bld.stlib(source=LIB_SOURCES, target='xp', includes='models', export_includes='models',
              use=LIBS)
    for src in bld.path.ant_glob('tests/fuzz/*_fuzz.c'):
        bld.program(source=[src], target='tests/fuzz/%s' % src.name[:-2],
                    includes='tests/fuzz', use=['xp'] + LIBS, install_path=None)
    if bld.cmd == 'fuzz':
        bld.add_post_fun(run_fuzz)


def run_fuzz(bld):
    seconds = os.environ.get('XP_FUZZ_SECONDS', '45')
    cmd = [bld.srcnode.find_node('tests/fuzz/run').abspath(), bld.bldnode.abspath(), seconds]
    if Utils.subprocess.call(cmd, cwd=bld.srcnode.abspath()):
        bld.fatal('a fuzzer found a problem (its reproducer is printed above)')


class build_fuzz_cmd(Build.BuildContext):
    """build the libFuzzer harnesses (after configure --fuzz)"""
    cmd = 'build_fuzz'
    variant = 'fuzz'


class fuzz(Build.BuildContext):
    """build the libFuzzer harnesses and run each for XP_FUZZ_SECONDS (default 45)"""
    cmd = 'fuzz'
    variant = 'fuzz'
