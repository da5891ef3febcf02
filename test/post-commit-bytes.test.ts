/** post-commit reads the committed artifacts as bytes: bad bytes in one never disturb another, and a huge one is refused cleanly. */
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { commit, phaseOf, sprintRepo } from './helpers/hooks.js';
import { artifact } from './helpers/artifacts.js';

describe('post-commit artifacts as bytes', () => {
  it('refuses invalid UTF-8 in one artifact and still completes the next one with its exact bytes', async () => {
    const { repo } = await sprintRepo();
    expect(conductor(['claim', 'qa', '--json'], { cwd: repo, agent: 'rita' }).code).toBe(0);
    expect(conductor(['claim', 'review', '--json'], { cwd: repo, agent: 'rita' }).code).toBe(0);
    const review = JSON.stringify(artifact('review', { notes: 'ünïcode ✓ 𝄞 fine' })) + '\n';
    const badQa = Buffer.concat([
      Buffer.from('{"tests":{"total":1,"failed":0},"note":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}\n'),
    ]);
    const r = commit(repo, 'rita', ['qa and review', 'Conductor-Phase: qa\nConductor-Phase: review'], {
      '.conductor/qa.json': badQa,
      '.conductor/review.json': review,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/qa NOT completed: artifact \.conductor\/qa\.json is not valid UTF-8/);
    expect(r.stderr).toContain('completed review with .conductor/review.json');
    expect(phaseOf(repo, 'qa').state).toBe('running');
    expect(conductor(['artifact', 'show', 'review', '--json'], { cwd: repo }).json.content).toEqual(JSON.parse(review));
  });

  it('refuses an artifact over the size limit without loading it, and the commit stands', async () => {
    const { repo } = await sprintRepo();
    expect(conductor(['claim', 'security', '--json'], { cwd: repo, agent: 'sam' }).code).toBe(0);
    const huge = '{"findings":[],"pad":"' + ' '.repeat(65 * 1024 * 1024) + '"}';
    const r = commit(repo, 'sam', ['security: huge', 'Conductor-Phase: security'], { '.conductor/security.json': huge });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /security NOT completed: artifact \.conductor\/security\.json is too large \(\d+ bytes, more than the 4194304-byte limit\)/,
    );
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('security: huge');
    expect(phaseOf(repo, 'security').state).toBe('running');
  });
});
