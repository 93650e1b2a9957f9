/**
 * The migration image (the `migrate-image` step of release/action.yml; release/README.md): which image
 * migrate-job runs. The choice itself is core's pickMigrationImage (the `migrate-image` input, else the
 * chosen service's pin from image-tags' `json`, by push-artifacts' digest when it pushed or promoted
 * it); this module reads the step's env and says what was chosen.
 */
import type { StepSummary } from '@deploy-kit/core';
import type { MigrationImage, MigrationImageRequest } from '@deploy-kit/core/oci/migration-image';

/**
 * The step's env: MIGRATE_IMAGE (the input; wins when given), MIGRATE_SERVICE (which service's image,
 * default the first), IMAGES_JSON (image-tags' `json` output) and DIGESTS_JSON (push-artifacts'
 * `digests` output). Unset and empty mean the same; pickMigrationImage trims and checks them.
 */
export function readMigrationImageRequest(env: Record<string, string | undefined>): MigrationImageRequest {
  return {
    migrateImage: env.MIGRATE_IMAGE ?? '',
    migrateService: env.MIGRATE_SERVICE ?? '',
    imagesJson: env.IMAGES_JSON ?? '',
    digestsJson: env.DIGESTS_JSON ?? '',
  };
}

const FROM: Record<MigrationImage['from'], string> = {
  input: 'the migrate-image input',
  pin: "image-tags' pin",
  'pin by digest': "image-tags' pin, by push-artifacts' digest",
  none: 'none',
};

/** The one log line. */
export function migrationImageLogLine(choice: MigrationImage): string {
  return choice.image === '' ? 'Migration image: none (migrate-job uses its own default).' : `Migration image: ${choice.image}`;
}

export function migrationImageSummary(choice: MigrationImage): StepSummary {
  return {
    title: 'migration image',
    table: {
      header: ['image', 'service', 'from'],
      rows: [[choice.image === '' ? "none (migrate-job's default)" : choice.image, choice.service ?? '', FROM[choice.from]]],
    },
  };
}
