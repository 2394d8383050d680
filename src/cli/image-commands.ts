// `typevisor image pull|list|remove`: the named guest images in the cache (docs/images.md).
import type { Command } from 'commander';
import { UserError } from './errors.js';
import { formatOption, printJson, table } from './output.js';
import { formatBytes } from '../util/progress.js';

const NAMES = ['debian', 'debian-full', 'u-boot', 'debian-installer'];

const log = (l: string) => process.stderr.write(`${l}\n`);

export function imageCommands(program: Command): void {
  const image = program.command('image').description('named guest images in the cache: pull, list, remove');
  image
    .command('pull')
    .description(
      "fetch an image from Debian's archive into the cache: debian (the default guest), debian-full (a Debian " +
        'system with systemd on a root disk, built in a VM: slow), u-boot (the boot loader), debian-installer',
    )
    .argument('[name]', 'image name', 'debian')
    .option('--mirror <url>', "Debian mirror (default: from the host's apt sources, or $TYPEVISOR_MIRROR)")
    .option('--suite <suite>', 'Debian suite', 'trixie')
    .option('--update', 'check the archive for newer packages even if the image is cached')
    .action(async (name: string, opts: { mirror?: string; suite: string; update?: boolean }) => {
      if (!NAMES.includes(name)) throw new UserError(`unknown image "${name}" (available: ${NAMES.join(', ')})`);
      if (name === 'u-boot') {
        const { pullUboot } = await import('../images/firmware.js');
        const fw = await pullUboot({ mirror: opts.mirror, suite: opts.suite, update: opts.update });
        process.stdout.write(`u-boot ${fw.path} (${fw.version})\n`);
        return;
      }
      if (name === 'debian-installer') {
        const { pullInstaller } = await import('../images/installer.js');
        const inst = await pullInstaller({ mirror: opts.mirror, suite: opts.suite, log });
        process.stdout.write(`kernel ${inst.kernel}\ninitrd ${inst.initrd}\n`);
        return;
      }
      const pullOpts = { mirror: opts.mirror, suite: opts.suite, update: opts.update, log };
      if (name === 'debian-full') {
        const { pullDebianFull } = await import('../images/debian-full.js');
        const full = await pullDebianFull(pullOpts);
        process.stdout.write(
          `kernel ${full.kernel}\ninitrd ${full.initrd}\nroot disk ${full.root.disk}\ncmdline ${full.root.cmdline}\n`,
        );
        return;
      }
      const { pullDebian } = await import('../images/debian.js'); // loaded when needed: a third of start-up otherwise
      const img = await pullDebian(pullOpts);
      process.stdout.write(`kernel ${img.kernel}\ninitrd ${img.initrd}\ncmdline ${img.cmdline}\n`);
    });

  image
    .command('list')
    .alias('ls')
    .description('the images in the cache, with the room each takes')
    .addOption(formatOption())
    .action(async (o: { format: string }) => {
      const { listCachedImages, IMAGE_DESCRIPTIONS } = await import('../images/catalog.js');
      const { defaultImagesRoot } = await import('../images/cache.js');
      const all = listCachedImages();
      if (o.format === 'json') return void printJson(all);
      if (!all.length)
        return void process.stdout.write(
          `no images in ${defaultImagesRoot()} (typevisor image pull debian fetches the default)\n`,
        );
      const rows = all.map((e) => [
        e.name,
        e.suite,
        formatBytes(e.bytes),
        e.created?.slice(0, 10) ?? '',
        e.version ?? '',
        IMAGE_DESCRIPTIONS[e.name],
      ]);
      process.stdout.write(`${table(['NAME', 'SUITE', 'SIZE', 'CREATED', 'VERSION', 'WHAT'], rows)}\n`);
    });

  image
    .command('remove')
    .alias('rm')
    .description('delete an image from the cache (refused while a VM disk rests on it or a VM has it open)')
    .argument('<name>', NAMES.join(', '))
    .option('--suite <suite>', 'Debian suite', 'trixie')
    .action(async (name: string, o: { suite: string }) => {
      if (!NAMES.includes(name)) throw new UserError(`unknown image "${name}" (available: ${NAMES.join(', ')})`);
      const { removeCachedImage, ImageRefused } = await import('../images/catalog.js');
      const { typevisorHome } = await import('../manager/paths.js');
      try {
        const freed = await removeCachedImage(name as 'debian', { suite: o.suite, home: typevisorHome() });
        process.stdout.write(`removed ${name} (${o.suite}): ${formatBytes(freed)} freed\n`);
      } catch (e) {
        if (e instanceof ImageRefused)
          throw new UserError(`cannot remove ${name}: ${e.message}`, e.kind === 'not-found' ? 3 : 4);
        throw e;
      }
    });
}
