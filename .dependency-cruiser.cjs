// The layers of DESIGN.md, enforced: config → policies → storage → gateway → scripts. A folder imports
// only from folders to its left (type imports too), and no file imports itself through others.
const LAYERS = ['config', 'policies', 'storage', 'gateway', 'scripts'];

const upward = LAYERS.flatMap((from, i) =>
  LAYERS.slice(i + 1).map((to) => ({
    name: `no-${from}-to-${to}`,
    comment: `${from}/ is below ${to}/ (DESIGN.md "Layers"): move what both need into ${from}/ or lower.`,
    severity: 'error',
    from: { path: `^${from}/` },
    to: { path: `^${to}/` },
  })),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A file cycle (type imports included) ties modules together: split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'no-source-to-tests',
      comment: 'Source never imports test or bench code.',
      severity: 'error',
      from: { path: `^(${LAYERS.join('|')})/` },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
