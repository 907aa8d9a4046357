// TypeDoc plugin: names each entry point's module after its package ("@pptpkit/mppe") instead of
// its path ("mppe/src"), so pages are titled, and found, by the name users install. The name
// comes from the nearest package.json above the entry point's file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';

/** The "name" of the nearest package.json at or above `dir`. */
function packageName(dir) {
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    const manifest = join(d, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).name;
  }
  return undefined;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const declaration = context.getSymbolFromReflection(reflection)?.declarations?.[0];
    const name = declaration && packageName(dirname(declaration.getSourceFile().fileName));
    if (name !== undefined) reflection.name = name;
  });
}
