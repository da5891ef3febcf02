/** Start-up stays lean: reading one phase's artifact builds that phase's schema and no other. */
import { expect, it } from 'vitest';
import { artifactProblems } from '../../src/core/artifacts.js';
import { builtSchemas } from '../../src/core/contract/index.js';
import { artifact } from '../helpers/artifacts.js';

it('builds a schema only when its phase is first read, and once', () => {
  expect(builtSchemas()).toEqual([]);
  expect(artifactProblems('qa', artifact('qa'))).toEqual([]);
  expect(builtSchemas()).toEqual(['qa']);
  artifactProblems('qa', {});
  artifactProblems('ship', artifact('ship'));
  expect(builtSchemas()).toEqual(['qa', 'ship:release']);
});
