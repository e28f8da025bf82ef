// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemTestSupport

/// The durability tests' `tandem` servers: the shared launcher of TandemTestSupport.
typealias ServerProcess = TandemProcess
typealias ServerProcessError = TandemProcessError
