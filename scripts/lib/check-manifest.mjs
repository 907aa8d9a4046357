// Checks a packed tarball's own rules, those publint and attw do not cover:
//   node scripts/lib/check-manifest.mjs TARBALL DIR
// DIR is the package's directory in the repository (repository.directory must name it).
// Prints one line per problem and exits 1 if there is any.
import { execFileSync } from 'node:child_process';

const [tarball, dir] = process.argv.slice(2);
const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .map((f) => f.replace(/^package\//, ''));
const read = (file) =>
  execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8' });
const pkg = JSON.parse(read('package.json'));
const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};

expect(pkg.engines?.node === '>=20.19', 'engines.node is not ">=20.19"');
expect(
  pkg.repository?.type === 'git' &&
    pkg.repository.url === 'git+https://github.com/pptpkit/pptpkit.git' &&
    pkg.repository.directory === dir,
  `repository is not { type: git, url: git+https://github.com/pptpkit/pptpkit.git, directory: ${dir} }`,
);
expect(typeof pkg.homepage === 'string' && pkg.homepage.startsWith('https://'), 'no homepage');
expect(typeof pkg.bugs === 'string' || typeof pkg.bugs?.url === 'string', 'no bugs');
expect(pkg.exports?.['./package.json'] === './package.json', 'no "./package.json" export');
for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
  for (const [name, range] of Object.entries(pkg[field] ?? {})) {
    expect(!String(range).startsWith('workspace:'), `${field}.${name} is ${range}`);
  }
}
// Build and development debris: incremental-build state, tests, benchmarks, caches.
const debris = /(\.tsbuildinfo|\.test\.ts)$|^(test|bench|node_modules|\.turbo|coverage)\//;
for (const file of files) expect(!debris.test(file), `ships ${file}`);
expect(files.includes('README.md'), 'no README.md');
if (files.includes('README.md')) {
  const readme = read('README.md');
  const install = pkg.bin ? `npm install -g ${pkg.name}` : `npm install ${pkg.name}`;
  expect(readme.includes(install), `README has no "${install}" line`);
  if (pkg.exports?.['.'] !== undefined) {
    // The page `pnpm api-docs` writes for this package (scripts/typedoc/package-names.mjs).
    const page = `docs/api/modules/${pkg.name.replace(/[@/]/g, '_')}.html`;
    expect(readme.includes(page), `README does not link its API reference (${page})`);
  }
}

for (const p of problems) console.log(`${pkg.name}: ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
