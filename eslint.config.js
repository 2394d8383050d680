// Lint configuration: typescript-eslint's recommended rules over the sources, tests and benchmarks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Getter objects handed to devices close over their owner; an alias reads better than bind().
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
);
