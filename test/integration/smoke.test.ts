// Smoke test in the real host: the extension activates in VS Code 1.139.x, registers every command
// package.json declares, and contributes its activity-bar container and tree view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/commands/index';
import { EXT_ID } from './helpers';

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string }[]>;
  };
}

describe('smoke: extension in a real VS Code host', () => {
  it('runs in VS Code 1.139.x', () => {
    assert.match(vscode.version, /^1\.139\./, `host is VS Code ${vscode.version}`);
  });

  it('activates without error', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} is installed`);
    await ext.activate(); // rejects (and fails this test) if activate() throws
    assert.equal(ext.isActive, true);
  });

  it('registers every command declared in package.json', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    await ext.activate();
    const manifest = ext.packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands declared but not registered: ${missing.join(', ')}`);
  });

  it('registers its commands from one table that mirrors contributes.commands, in order', () => {
    const manifest = vscode.extensions.getExtension(EXT_ID)!.packageJSON as Manifest;
    assert.deepEqual(
      Object.keys(COMMANDS),
      manifest.contributes.commands.map((c) => c.command),
    );
  });

  it('contributes the JuiceNet view container and the juicenet.units tree', async () => {
    const manifest = vscode.extensions.getExtension(EXT_ID)!.packageJSON as Manifest;
    const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === 'juicenet');
    assert.ok(container, 'activity bar container "juicenet"');
    assert.equal(container.title, 'JuiceNet');
    assert.ok(
      manifest.contributes.views.juicenet?.some((v) => v.id === 'juicenet.units'),
      'view juicenet.units in container juicenet',
    );
    // Focusing the view only works if the workbench knows the contributed view.
    await vscode.commands.executeCommand('juicenet.units.focus');
  });
});
