// Lint: typescript-eslint's recommended rules, no floating promises (type-aware), and the
// shape rules of this codebase in src/: lines of at most 150 characters, functions of at most
// 60 lines. `imports/` is generated and not linted.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['imports/**', 'lib/**', 'dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.d.ts', 'scripts/pack-check/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import fs = require('node:fs')` keeps one mutable module object (tests inject failures).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-len': ['error', { code: 150, ignoreUrls: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      // Rendered manifests are untyped JSON: `any` is allowed only where they are read (below)
      // and flagged everywhere else.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // ... and where rendered manifests, untyped JSON, are read and written.
    files: ['src/validation/**/*.ts', 'src/review/**/*.ts', 'src/output/**/*.ts', 'src/mesh-app.ts', 'test/**/*.ts', 'bench/**/*.ts', 'apps/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests match error lines by their indentation, and load fixtures lazily.
    files: ['test/**/*.ts'],
    rules: { 'no-regex-spaces': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
