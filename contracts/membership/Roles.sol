// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Roles
/// @notice Well-known consortium role ids (keccak256 of the role name). Any other bytes32 is a valid role too, so a new
/// domain can introduce its own role without a registry upgrade.
library Roles {
    /// @notice Governing member: may propose and approve governance changes.
    bytes32 internal constant GOVERNOR = keccak256("GOVERNOR");
    /// @notice Vets TNSPs, KYC vetters and OSPs.
    bytes32 internal constant TRUST_AUTHORITY = keccak256("TRUST_AUTHORITY");
    /// @notice Grants telephone numbers to service providers.
    bytes32 internal constant NUMBERING_AUTHORITY = keccak256("NUMBERING_AUTHORITY");
    /// @notice Vets the real-world identity of TNRs, brands and BPOs.
    bytes32 internal constant KYC_VETTER = keccak256("KYC_VETTER");
    /// @notice TN service provider.
    bytes32 internal constant TNSP = keccak256("TNSP");
    /// @notice TN reseller.
    bytes32 internal constant TNR = keccak256("TNR");
    /// @notice Enterprise (brand).
    bytes32 internal constant ENTERPRISE = keccak256("ENTERPRISE");
    /// @notice Call centre placing calls for a brand.
    bytes32 internal constant BPO = keccak256("BPO");
    /// @notice Originating service provider.
    bytes32 internal constant OSP = keccak256("OSP");
    /// @notice Content service provider.
    bytes32 internal constant CSP = keccak256("CSP");
    /// @notice Mobile network operator.
    bytes32 internal constant MOBILE_OPERATOR = keccak256("MOBILE_OPERATOR");
    /// @notice Reads everything, changes nothing.
    bytes32 internal constant AUDITOR = keccak256("AUDITOR");
    /// @notice Bank that settles balances between members.
    bytes32 internal constant SETTLEMENT_BANK = keccak256("SETTLEMENT_BANK");
    /// @notice Approved by the consortium to hold a share of a subject's key and attest its destruction (datausage).
    bytes32 internal constant KEY_CUSTODIAN = keccak256("KEY_CUSTODIAN");
}
