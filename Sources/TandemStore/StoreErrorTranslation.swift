// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemJobs

/// How every store turns a failure into what it reports: a ``StoreError``, with the
/// errors that callers handle themselves passing through, and the failures an operator
/// must see logged once, here.
package enum StoreErrorTranslation {
    /// The error to report for `error`, thrown during `operation`.
    ///
    /// ``StoreError``, ``RecordTooLargeError``, ``StoreImportError``, `JobError` and
    /// `CancellationError` pass through; a ``CallerError`` gives back the caller's own
    /// error; `driver` maps the store's database errors (returning `nil` for any other);
    /// a `DecodingError` is stored data that does not read back (``StoreError/corrupt(_:)``);
    /// anything else is ``StoreError/unavailable(_:)``.
    package static func translate(
        _ error: any Error, operation: StaticString, logger: Logger, driver: (any Error) -> (any Error)?
    ) -> any Error {
        let translated: any Error
        switch error {
        case is StoreError, is RecordTooLargeError, is StoreImportError, is JobError, is CancellationError:
            translated = error
        case let error as CallerError:
            translated = error.error
        case is DecodingError:
            translated = StoreError.corrupt(String(describing: error))
        default:
            translated = driver(error) ?? StoreError.unavailable(String(describing: error))
        }
        switch translated {
        case StoreError.unavailable(let reason):
            logger.error("database unavailable", metadata: ["operation": "\(operation)", "reason": "\(reason)"])
        case StoreError.corrupt(let reason):
            logger.critical("stored data is corrupt", metadata: ["operation": "\(operation)", "reason": "\(reason)"])
        default:
            break
        }
        return translated
    }
}
