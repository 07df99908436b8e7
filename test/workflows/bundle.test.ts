import { portflowWorkflowBundle } from '../helpers/portflow';

describe('the workflow bundle', () => {
  // The worker evaluates every module a workflow imports again for each workflow execution:
  // zod's schemas and locales cost more CPU than the workflow's own work (npm run bench).
  it('holds no zod: workflow code imports only the zod-free domain rules', async () => {
    const { code } = await portflowWorkflowBundle();
    expect(code).toContain('portIn');
    expect(code).not.toMatch(/node_modules\/zod\//);
  });
});
