// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of organisation accounts and the trust hierarchy: who may create which account, who may vet whom, and
// authorization derived at read time (a vetter losing its authorization takes everything it vetted with it).
import {IEthereumDIDRegistry} from "../identity/IEthereumDIDRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {AccountBinding} from "../testing/AccountBinding.sol";
import {Roles} from "../membership/Roles.sol";
import {IOrganisationRegistry} from "./IOrganisationRegistry.sol";
import {NumberingHarness} from "./NumberingHarness.sol";
import {OrganisationRegistry} from "./OrganisationRegistry.sol";

contract OrganisationRegistryTest is NumberingHarness, AccountBinding {
    event OrganisationCreated(
        address indexed identity,
        IOrganisationRegistry.OrgType orgType,
        address indexed member,
        address controller,
        string name
    );
    event VettingRecorded(
        address indexed organisation,
        address indexed vetter,
        IOrganisationRegistry.VettingStatus status,
        IOrganisationRegistry.VettingResult result,
        uint16 version,
        uint64 effectiveAt,
        bytes32 credentialHash
    );

    address internal newOrg = address(0xD100);

    function setUp() public {
        deployVettedWorld();
    }

    // ------------------------------------------------------------ accounts

    function test_createAccount_recordsTypeMemberAndName() public {
        vm.prank(newOrg);
        dids.changeOwner(newOrg, BRAND_MEMBER);
        vm.expectEmit(true, true, false, true);
        emit OrganisationCreated(newOrg, BRAND, BRAND_MEMBER, BRAND_MEMBER, "Acme Bank");
        vm.prank(BRAND_MEMBER);
        orgs.createAccount(newOrg, BRAND, "Acme Bank");
        IOrganisationRegistry.Organisation memory account = orgs.organisation(newOrg);
        assertTrue(account.orgType == BRAND, "type");
        assertEq(account.member, BRAND_MEMBER, "member");
        assertEq(account.name, "Acme Bank", "name");
        assertEq(account.createdAt, block.timestamp, "createdAt");
        assertEq(orgs.organisationCount(), 10, "count");
        (bool found, IOrganisationRegistry.OrgType orgType) = orgs.typeOf(newOrg);
        assertTrue(found && orgType == BRAND, "typeOf");
        assertFalse(orgs.isAuthorized(newOrg), "a fresh account is not authorized");
    }

    function test_createAccount_rejectsACallerThatIsNotTheIdentityOwner() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.NotIdentityOwner.selector, newOrg, BRAND_MEMBER, newOrg)
        );
        vm.prank(BRAND_MEMBER);
        orgs.createAccount(newOrg, BRAND, "Acme");
    }

    function test_createAccount_rejectsAnOwnerThatActsForNoMember() public {
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.NotAMemberAccount.selector, newOrg));
        vm.prank(newOrg);
        orgs.createAccount(newOrg, BRAND, "Acme");
    }

    function test_createAccount_requiresTheRoleOfTheType() public {
        vm.prank(newOrg);
        dids.changeOwner(newOrg, BRAND_MEMBER);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.RoleRequired.selector, BRAND_MEMBER, TNSP, Roles.TNSP)
        );
        vm.prank(BRAND_MEMBER);
        orgs.createAccount(newOrg, TNSP, "Not a carrier");
    }

    // Before the fix any account bound to the member created organisations with the member's roles.
    function test_createAccount_byABoundControllerOnlyWithinItsBindingScope() public {
        uint256 key = 0xC0FFEE;
        address identityOnly = bindWithConsent(consortium, BRAND_MEMBER, key, new bytes32[](0));
        vm.prank(newOrg);
        dids.changeOwner(newOrg, identityOnly);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.RoleRequired.selector, identityOnly, BRAND, Roles.ENTERPRISE)
        );
        vm.prank(identityOnly);
        orgs.createAccount(newOrg, BRAND, "Acme");
        address scoped = bindWithConsent(consortium, BRAND_MEMBER, key + 1, scope(Roles.ENTERPRISE));
        vm.prank(identityOnly);
        dids.changeOwner(newOrg, scoped);
        vm.prank(scoped);
        orgs.createAccount(newOrg, BRAND, "Acme");
        assertEq(orgs.organisation(newOrg).member, BRAND_MEMBER, "created for the member");
    }

    function scope(bytes32 role) private pure returns (bytes32[] memory roles) {
        roles = new bytes32[](1);
        roles[0] = role;
    }

    function test_createAccount_rejectsDuplicatesZeroAndBadNames() public {
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.OrganisationExists.selector, BRAND_ORG));
        vm.prank(BRAND_MEMBER);
        orgs.createAccount(BRAND_ORG, BRAND, "again");
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.ZeroIdentity.selector));
        orgs.createAccount(address(0), BRAND, "zero");
        vm.prank(newOrg);
        dids.changeOwner(newOrg, BRAND_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.InvalidName.selector, 0, 128));
        vm.prank(BRAND_MEMBER);
        orgs.createAccount(newOrg, BRAND, "");
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.InvalidName.selector, 129, 128));
        vm.prank(BRAND_MEMBER);
        orgs.createAccount(newOrg, BRAND, string(new bytes(129)));
        assertFalse(orgs.exists(newOrg), "nothing created");
    }

    function test_constructor_rejectsZeroAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.ZeroAddress.selector, "consortium"));
        new OrganisationRegistry(IConsortiumRegistry(address(0)), dids);
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.ZeroAddress.selector, "didRegistry"));
        new OrganisationRegistry(consortium, IEthereumDIDRegistry(address(0)));
    }

    function test_views_versionAndWiring() public view {
        assertEq(orgs.version(), "1.0.0", "version");
        assertEq(orgs.consortium(), address(consortium), "consortium");
        assertEq(orgs.didRegistry(), address(dids), "didRegistry");
        assertEq(orgs.roleFor(BRAND), Roles.ENTERPRISE, "brand needs ENTERPRISE");
        assertEq(orgs.roleFor(OSP), Roles.OSP, "osp");
    }

    function test_unknownOrganisation_viewsRevertOrAnswerFalse() public {
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.UnknownOrganisation.selector, newOrg));
        orgs.organisation(newOrg);
        assertFalse(orgs.isAuthorized(newOrg), "unknown is not authorized");
        assertFalse(orgs.isController(newOrg, newOrg), "unknown has no controller");
    }

    // ------------------------------------------------------------ hierarchy

    function test_roots_areAuthorizedByTheirConsortiumRole() public view {
        assertTrue(orgs.isAuthorized(TA_ORG), "TA");
        assertTrue(orgs.isAuthorized(NA_ORG), "NA");
    }

    function test_wholeHierarchy_isAuthorizedAfterVetting() public view {
        assertTrue(orgs.isAuthorized(KYC_ORG), "kyc");
        assertTrue(orgs.isAuthorized(TNSP_ORG), "tnsp");
        assertTrue(orgs.isAuthorized(OSP_ORG), "osp");
        assertTrue(orgs.isAuthorized(TNR_ORG), "tnr");
        assertTrue(orgs.isAuthorized(BRAND_ORG), "brand");
        assertTrue(orgs.isAuthorized(BPO_ORG), "bpo");
    }

    function test_canVet_matchesTheTrustHierarchy() public view {
        for (uint8 v = 0; v <= uint8(OSP); v++) {
            for (uint8 s = 0; s <= uint8(OSP); s++) {
                IOrganisationRegistry.OrgType vt = IOrganisationRegistry.OrgType(v);
                IOrganisationRegistry.OrgType st = IOrganisationRegistry.OrgType(s);
                bool expected =
                    (vt == TA && (st == TNSP || st == KYC || st == OSP || st == CSP)) ||
                        (vt == KYC && (st == TNR || st == BRAND || st == BPO));
                assertTrue(orgs.canVet(vt, st) == expected, "canVet");
            }
        }
    }

    function test_recordVetting_rejectsAKycVetterVettingATnsp() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.VettingNotAllowed.selector, KYC_ORG, KYC, TNSP2_ORG, TNSP)
        );
        vm.prank(KYC_MEMBER);
        orgs.recordVetting(KYC_ORG, TNSP2_ORG, COMPLETE, AUTHORIZED, bytes32(0));
    }

    function test_recordVetting_rejectsTheTaVettingABrand() public {
        // A Trust Authority may supersede a KYC vetter's decision (below), not vet a brand in the first place.
        address brand = newOrgWithAccount();
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.VettingNotAllowed.selector, TA_ORG, TA, brand, BRAND)
        );
        vm.prank(TA_MEMBER);
        orgs.recordVetting(TA_ORG, brand, COMPLETE, AUTHORIZED, bytes32(0));
    }

    // ------------------------------------------------------------ superseding (issue 11, item 6)

    /// @dev A second KYC vetter, of another member (OSP_MEMBER takes the KYC_VETTER role), vetted by the TA.
    function secondKycVetter() internal returns (address kyc2) {
        kyc2 = address(0xD200);
        bytes32[] memory roles = new bytes32[](1);
        roles[0] = Roles.KYC_VETTER;
        setRoles(OSP_MEMBER, roles);
        createOrg(kyc2, OSP_MEMBER, KYC);
        vet(TA_ORG, kyc2, AUTHORIZED);
    }

    function test_recordVetting_onlyTheDecidingVetterOrATrustAuthoritySupersedes() public {
        address kyc2 = secondKycVetter();
        vet(KYC_ORG, BRAND_ORG, BLACKLISTED);
        // Before the fix any authorised KYC vetter could un-blacklist the brand.
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.NotDecidingVetter.selector, BRAND_ORG, KYC_ORG, kyc2)
        );
        vm.prank(OSP_MEMBER);
        orgs.recordVetting(kyc2, BRAND_ORG, COMPLETE, AUTHORIZED, bytes32(0));
        assertFalse(orgs.isAuthorized(BRAND_ORG), "still blacklisted");
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.NotDecidingVetter.selector, BRAND_ORG, KYC_ORG, kyc2)
        );
        vm.prank(OSP_MEMBER);
        orgs.recordVetting(kyc2, BRAND_ORG, IN_PROGRESS, AUTHORIZED, bytes32(0));
        vet(KYC_ORG, BRAND_ORG, AUTHORIZED); // the deciding vetter may change its mind
        assertTrue(orgs.isAuthorized(BRAND_ORG), "re-vetted by its vetter");
        vet(TA_ORG, BRAND_ORG, BLACKLISTED); // the Trust Authority overrides
        assertFalse(orgs.isAuthorized(BRAND_ORG), "blacklisted by the TA");
        assertEq(orgs.decidingVetting(BRAND_ORG).vetter, TA_ORG, "the TA decides now");
        // Once the deciding vetter lost its authorization, another vetter may take its subjects over.
        vet(TA_ORG, KYC_ORG, NOT_AUTHORIZED);
        vet(kyc2, TNR_ORG, AUTHORIZED);
        assertTrue(orgs.isAuthorized(TNR_ORG), "re-vetted by the second vetter");
    }

    function test_recordVetting_rejectsVettingAnOrganisationOfTheSameMember() public {
        bytes32[] memory roles = new bytes32[](2);
        roles[0] = Roles.KYC_VETTER;
        roles[1] = Roles.ENTERPRISE;
        setRoles(KYC_MEMBER, roles);
        address ownBrand = address(0xD300);
        createOrg(ownBrand, KYC_MEMBER, BRAND);
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.SelfVetting.selector, ownBrand));
        vm.prank(KYC_MEMBER);
        orgs.recordVetting(KYC_ORG, ownBrand, COMPLETE, AUTHORIZED, bytes32(0));
        assertFalse(orgs.isAuthorized(ownBrand), "not vetted");
    }

    function test_inProgressRecords_doNotFillTheHistory() public {
        for (uint256 i = 0; i < 5; i++) {
            vm.prank(KYC_MEMBER);
            orgs.recordVetting(KYC_ORG, BRAND_ORG, IN_PROGRESS, AUTHORIZED, bytes32(i));
        }
        assertEq(orgs.vettingHistory(BRAND_ORG).length, 2, "one complete and one trailing in-progress record");
        assertEq(orgs.currentVetting(BRAND_ORG).credentialHash, bytes32(uint256(4)), "the newest in-progress");
        vm.expectEmit(true, true, false, true);
        bytes32 hash = keccak256(abi.encode(KYC_ORG, BRAND_ORG, BLACKLISTED));
        emit VettingRecorded(BRAND_ORG, KYC_ORG, COMPLETE, BLACKLISTED, 2, uint64(block.timestamp), hash);
        vet(KYC_ORG, BRAND_ORG, BLACKLISTED);
        IOrganisationRegistry.Vetting[] memory history = orgs.vettingHistory(BRAND_ORG);
        assertEq(history.length, 2, "the decision replaces the in-progress record");
        assertEq(orgs.decidingVetting(BRAND_ORG).version, 2, "version 2 decides");
        vet(KYC_ORG, BRAND_ORG, AUTHORIZED);
        assertEq(orgs.vettingHistory(BRAND_ORG).length, 3, "complete records do count");
    }

    function test_recordVetting_rejectsACallerThatDoesNotControlTheVetter() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.NotIdentityOwner.selector, KYC_ORG, BRAND_MEMBER, KYC_MEMBER)
        );
        vm.prank(BRAND_MEMBER);
        orgs.recordVetting(KYC_ORG, BRAND_ORG, COMPLETE, BLACKLISTED, bytes32(0));
    }

    function test_recordVetting_rejectsAnOwnerThatNoLongerActsForTheOrganisationsMember() public {
        // The KYC DID handed to an OUTSIDER: the OUTSIDER owns it but acts for no member.
        vm.prank(KYC_MEMBER);
        dids.changeOwner(KYC_ORG, OUTSIDER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.NotOrganisationMember.selector,
                KYC_ORG,
                OUTSIDER,
                address(0),
                KYC_MEMBER
            )
        );
        vm.prank(OUTSIDER);
        orgs.recordVetting(KYC_ORG, BRAND_ORG, COMPLETE, BLACKLISTED, bytes32(0));
        assertFalse(orgs.isController(KYC_ORG, OUTSIDER), "OUTSIDER does not control");
    }

    function test_recordVetting_rejectsAnUnauthorizedKycVetter() public {
        address kyc2 = address(0xD200);
        createOrg(kyc2, KYC_MEMBER, KYC);
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.VetterNotAuthorized.selector, kyc2));
        vm.prank(KYC_MEMBER);
        orgs.recordVetting(kyc2, BRAND_ORG, COMPLETE, AUTHORIZED, bytes32(0));
    }

    function test_recordVetting_rejectsSelfVettingAndUnknownOrganisations() public {
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.SelfVetting.selector, KYC_ORG));
        vm.prank(KYC_MEMBER);
        orgs.recordVetting(KYC_ORG, KYC_ORG, COMPLETE, AUTHORIZED, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IOrganisationRegistry.UnknownOrganisation.selector, newOrg));
        vm.prank(KYC_MEMBER);
        orgs.recordVetting(KYC_ORG, newOrg, COMPLETE, AUTHORIZED, bytes32(0));
    }

    function test_recordVetting_keepsVersionedHistoryAndEmits() public {
        bytes32 credential = keccak256("vc:brand:2");
        vm.expectEmit(true, true, false, true);
        emit VettingRecorded(BRAND_ORG, KYC_ORG, IN_PROGRESS, AUTHORIZED, 2, uint64(block.timestamp), credential);
        vm.prank(KYC_MEMBER);
        orgs.recordVetting(KYC_ORG, BRAND_ORG, IN_PROGRESS, AUTHORIZED, credential);
        IOrganisationRegistry.Vetting[] memory history = orgs.vettingHistory(BRAND_ORG);
        assertEq(history.length, 2, "two records");
        assertEq(history[0].version, 1, "first version");
        assertEq(history[1].version, 2, "second version");
        assertEq(history[1].credentialHash, credential, "credential hash");
        assertEq(history[1].vetter, KYC_ORG, "vetter");
        assertEq(orgs.currentVetting(BRAND_ORG).version, 2, "current is the latest");
        assertEq(orgs.decidingVetting(BRAND_ORG).version, 1, "deciding is the latest Complete");
        assertTrue(orgs.isAuthorized(BRAND_ORG), "an in-progress re-vetting neither grants nor withdraws");
        assertEq(orgs.currentVetting(newOrgWithAccount()).version, 0, "never vetted: version 0");
    }

    function test_blacklisting_withdrawsAuthorization() public {
        vet(KYC_ORG, BRAND_ORG, BLACKLISTED);
        assertFalse(orgs.isAuthorized(BRAND_ORG), "blacklisted");
        vet(KYC_ORG, BRAND_ORG, AUTHORIZED);
        assertTrue(orgs.isAuthorized(BRAND_ORG), "re-vetted");
        vet(KYC_ORG, BRAND_ORG, NOT_AUTHORIZED);
        assertFalse(orgs.isAuthorized(BRAND_ORG), "not authorized");
    }

    function test_vetterLosingAuthorization_withdrawsEverythingItVetted() public {
        vet(TA_ORG, KYC_ORG, NOT_AUTHORIZED);
        assertFalse(orgs.isAuthorized(KYC_ORG), "kyc");
        assertFalse(orgs.isAuthorized(TNR_ORG), "tnr follows");
        assertFalse(orgs.isAuthorized(BRAND_ORG), "brand follows");
        assertFalse(orgs.isAuthorized(BPO_ORG), "bpo follows");
        assertTrue(orgs.isAuthorized(TNSP_ORG), "TA-vetted tnsp unaffected");
        vet(TA_ORG, KYC_ORG, AUTHORIZED);
        assertTrue(orgs.isAuthorized(BRAND_ORG), "back when the vetter is back");
    }

    function test_trustAuthorityLosingItsRole_withdrawsTheWholeTree() public {
        setRoles(TA_MEMBER, new bytes32[](0));
        assertFalse(orgs.isAuthorized(TA_ORG), "TA");
        assertFalse(orgs.isAuthorized(TNSP_ORG), "tnsp");
        assertFalse(orgs.isAuthorized(BRAND_ORG), "brand, two levels down");
        assertTrue(orgs.isAuthorized(NA_ORG), "NA is its own root");
    }

    function test_memberLosingTheRoleOfItsType_losesItsOrganisation() public {
        bytes32[] memory roles = new bytes32[](1);
        roles[0] = Roles.GOVERNOR;
        setRoles(BRAND_MEMBER, roles);
        assertFalse(orgs.isAuthorized(BRAND_ORG), "brand without ENTERPRISE");
        assertTrue(orgs.isAuthorized(BPO_ORG), "others unaffected");
    }

    function newOrgWithAccount() internal returns (address) {
        createOrg(newOrg, BRAND_MEMBER, BRAND);
        return newOrg;
    }
}
