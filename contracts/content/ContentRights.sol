// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ContentRights
/// @notice The separate rights a licence grants, as bits of `IContentLicences.Terms.rights`.
library ContentRights {
    /// @notice May deliver the work to users (a distributing operator's right).
    uint8 internal constant DISTRIBUTION = 1;
    /// @notice May promote the work; deliveries attributed to the promoter earn it a fee.
    uint8 internal constant PROMOTION = 2;
    /// @notice May make derivative works.
    uint8 internal constant DERIVATIVE = 4;
    /// @notice May grant sub-licences within this licence.
    uint8 internal constant SUBLICENSE = 8;
    /// @notice Every defined bit.
    uint8 internal constant ALL = 15;
}
